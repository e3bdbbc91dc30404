# One member of a SO_REUSEPORT group: its own listening socket on HOST:PORT with backlog BACKLOG. MODE `accept`
# accepts and closes every connection; `stall` never accepts (a stuck worker). Prints `ready`, exits after
# SECONDS. Usage: reuseport-member.py HOST PORT BACKLOG MODE SECONDS
import socket, sys, time

host, port, backlog, mode, seconds = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
s.bind((host, port))
s.listen(backlog)
print('ready', flush=True)
deadline = time.time() + seconds
if mode == 'stall':
    time.sleep(seconds)
    sys.exit(0)
s.settimeout(0.2)
while time.time() < deadline:
    try:
        c, _ = s.accept()
        c.close()
    except socket.timeout:
        pass
