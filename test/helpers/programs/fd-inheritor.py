# A server on 127.0.0.1:PORT and what it leaves behind, for the holders of a listener. MODE:
#   leak     the listener is made inheritable and handed to `sleep 1111` (the seed's example), then the server exits
#   prefork  the server forks WORKERS (2) that accept on the same listener: one executable, pre-forked
#   cloexec  the server starts `sleep 1111` while its listener stays close-on-exec (Python's default, PEP 446)
# Prints `ready pids=P,P` naming every process it started (the test kills them by pid), then runs for SECONDS
# (leak: exits at once). Usage: fd-inheritor.py PORT MODE SECONDS
import os, socket, subprocess, sys, time

port, mode, seconds = int(sys.argv[1]), sys.argv[2], float(sys.argv[3])
s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(('127.0.0.1', port))
s.listen(16)
started = []
if mode == 'leak':
    os.set_inheritable(s.fileno(), True)
    started.append(subprocess.Popen(['sleep', '1111'], pass_fds=[s.fileno()]).pid)
    print('ready pids=' + ','.join(map(str, started)), flush=True)
    sys.exit(0)
if mode == 'prefork':
    for _ in range(2):
        pid = os.fork()
        if pid == 0:
            s.settimeout(0.2)
            deadline = time.time() + seconds
            while time.time() < deadline:
                try:
                    s.accept()[0].close()
                except socket.timeout:
                    pass
            os._exit(0)
        started.append(pid)
elif mode == 'cloexec':
    started.append(subprocess.Popen(['sleep', '1111']).pid)
print('ready pids=' + ','.join(map(str, started)), flush=True)
time.sleep(seconds)
