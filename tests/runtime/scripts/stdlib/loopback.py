# Makes one TCP connection on loopback for the given family ("4" or "6"),
# to a listener on a fixed port, after a short wait so that sonde's probes
# are attached; closes it at once.
import socket
import sys
import time

time.sleep(0.3)
family = socket.AF_INET6 if sys.argv[1] == "6" else socket.AF_INET
host = "::1" if sys.argv[1] == "6" else "127.0.0.1"
port = int(sys.argv[2])
listener = socket.socket(family)
listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
listener.bind((host, port))
listener.listen()
client = socket.create_connection((host, port))
server, _ = listener.accept()
client.close()
server.close()
listener.close()
