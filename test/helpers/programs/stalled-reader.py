# A TCP server with a small SO_RCVBUF that reads each connection for READ seconds, stops reading for STALL seconds
# (its receive buffer fills: the kernel advertises a zero window), then reads again until the peer closes or
# SECONDS have passed. With STALL 0 it is a plain sink whose sockets set SO_RCVBUF (as some applications do, which
# turns receive autotuning off for them). Usage: stalled-reader.py HOST PORT RCVBUF READ STALL SECONDS
import socket, sys, threading, time

host, port, rcvbuf = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
read_s, stall_s, seconds = float(sys.argv[4]), float(sys.argv[5]), float(sys.argv[6])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)  # inherited by accepted sockets
s.bind((host, port))
s.listen(16)
print('ready', flush=True)
deadline = time.time() + seconds


def serve(c):
    c.settimeout(0.2)
    start = time.time()
    stalled = False
    while time.time() < deadline:
        now = time.time() - start
        if read_s <= now < read_s + stall_s:
            if not stalled:
                print('stalled', flush=True)
                stalled = True
            time.sleep(0.05)
            continue
        try:
            if not c.recv(65536):
                break
        except socket.timeout:
            pass
        except OSError:
            break
    c.close()


s.settimeout(0.5)
while time.time() < deadline:
    try:
        c, _ = s.accept()
    except socket.timeout:
        continue
    threading.Thread(target=serve, args=(c,), daemon=True).start()
