# SPDX-License-Identifier: Apache-2.0
# A Python client for the USDT tests. python3.11's function__entry probe
# does not fire for ordinary calls (CPython issue 98894: the 3.11
# interpreter rewrite lost it), only when a generator's frame first runs;
# function__return still fires for every return and yield. So the script
# calls work() 50 times and starts 50 produce() generators, and the tests
# count work's returns and produce's entries.
# An optional first argument delays the work, so that a tracer given this
# process's pid (-p) can attach first.
import sys
import time


def work(n):
    return n * 2


def produce(n):
    yield n * 2


if len(sys.argv) > 1:
    time.sleep(float(sys.argv[1]))
print(sum(map(work, range(50))))
print(sum(next(produce(i)) for i in range(50)))
