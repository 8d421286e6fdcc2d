// sonde does not compile BPF C; importing this file is refused.
