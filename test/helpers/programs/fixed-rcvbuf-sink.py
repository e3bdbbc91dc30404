# A TCP sink whose sockets set SO_RCVBUF (as some applications do), which turns receive autotuning off for them.
# Reads and discards everything for SECONDS, then exits. Usage: fixed-rcvbuf-sink.py HOST PORT RCVBUF SECONDS
import socket, sys, threading, time

host, port, rcvbuf, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), float(sys.argv[4])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # inherited by accepted sockets
s.bind((host, port))
s.listen(16)
print('ready', flush=True)
deadline = time.time() + seconds


def drain(c):
    c.settimeout(0.5)
    while time.time() < deadline:
        try:
            if not c.recv(65536):
                return
        except socket.timeout:
            pass
        except OSError:
            return


s.settimeout(0.5)
while time.time() < deadline:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    threading.Thread(target=drain, args=(c,), daemon=True).start()
