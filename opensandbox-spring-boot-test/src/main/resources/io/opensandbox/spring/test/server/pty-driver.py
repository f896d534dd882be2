# Runs one interactive program inside a sandbox for the embedded server's PTY sessions.
#
# argv: mode ("pty" or "pipe"), working directory ("" for the sandbox's default),
# command ("" for an interactive shell).
#
# The server talks to this driver over its standard input in frames of
# [type: 1 byte][length: 4 bytes, big-endian][payload]:
#   0 input bytes for the program
#   1 resize: columns and rows, two big-endian 16-bit numbers (terminal mode only)
#   2 signal: its name, e.g. "SIGINT" (to the terminal's foreground process group, or
#     to the program's process group in pipe mode)
# The program's output goes to this driver's standard output (terminal mode: everything
# the terminal shows; pipe mode: the program's standard output) and, in pipe mode, its
# standard error to this driver's standard error. The driver exits with the program's
# exit code (128 + the signal's number when a signal ended it). When the server closes
# the driver's standard input, the program's process group is hung up and killed.
import errno
import fcntl
import os
import select
import signal
import struct
import sys
import termios
import time

MODE, CWD, COMMAND = sys.argv[1], sys.argv[2], sys.argv[3]
MAX_FRAME = 1 << 20


def shell_argv():
    shell = "/bin/bash" if os.path.exists("/bin/bash") else "/bin/sh"
    return [shell, "-c", COMMAND] if COMMAND else [shell]


def environment():
    env = dict(os.environ)
    env.setdefault("TERM", "xterm-256color")
    return env


IGNORED = (signal.SIGINT, signal.SIGQUIT, signal.SIGTSTP, signal.SIGTTOU, signal.SIGTTIN)


def start_program():
    # Ignored signals survive exec: the program gets the defaults back.
    for number in IGNORED + (signal.SIGPIPE,):
        signal.signal(number, signal.SIG_DFL)
    if CWD:
        os.chdir(CWD)
    argv = shell_argv()
    os.execvpe(argv[0], argv, environment())


def exit_code(status):
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


def write_all(fd, data):
    while data:
        try:
            written = os.write(fd, data)
        except BlockingIOError:
            select.select([], [fd], [], 1.0)
            continue
        data = data[written:]


def signal_number(name):
    name = name.upper()
    if not name.startswith("SIG"):
        name = "SIG" + name
    value = getattr(signal, name, None)
    return value if isinstance(value, int) or hasattr(value, "value") else None


class Frames:
    def __init__(self):
        self.buffer = b""

    def feed(self, data):
        self.buffer += data
        frames = []
        while len(self.buffer) >= 5:
            kind, length = struct.unpack(">BI", self.buffer[:5])
            if length > MAX_FRAME:
                raise ValueError("frame too large")
            if len(self.buffer) < 5 + length:
                break
            frames.append((kind, self.buffer[5:5 + length]))
            self.buffer = self.buffer[5 + length:]
        return frames


def run_terminal():
    pid, master = os.forkpty()
    if pid == 0:
        try:
            start_program()
        except BaseException as ex:
            os.write(2, ("cannot start %s: %s\r\n" % (shell_argv()[0], ex)).encode())
        os._exit(127)
    # Set here, not in the child: a resize that comes early must not be overwritten.
    fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))

    def deliver(kind, payload):
        if kind == 0:
            write_all(master, payload)
        elif kind == 1 and len(payload) == 4:
            columns, rows = struct.unpack(">HH", payload)
            if columns > 0 and rows > 0:
                fcntl.ioctl(master, termios.TIOCSWINSZ, struct.pack("HHHH", rows, columns, 0, 0))
        elif kind == 2:
            number = signal_number(payload.decode("ascii", "replace"))
            if number is not None:
                try:
                    group = os.tcgetpgrp(master)
                except OSError:
                    group = pid
                try:
                    os.killpg(group, number)
                except OSError:
                    pass

    return relay(pid, pid, {master: 1}, deliver)


def run_pipes():
    stdin_read, stdin_write = os.pipe()
    out_read, out_write = os.pipe()
    err_read, err_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        try:
            os.setsid()
            os.dup2(stdin_read, 0)
            os.dup2(out_write, 1)
            os.dup2(err_write, 2)
            for fd in (stdin_read, stdin_write, out_read, out_write, err_read, err_write):
                os.close(fd)
            start_program()
        except BaseException as ex:
            os.write(2, ("cannot start %s: %s\n" % (shell_argv()[0], ex)).encode())
        os._exit(127)
    for fd in (stdin_read, out_write, err_write):
        os.close(fd)

    def deliver(kind, payload):
        if kind == 0:
            try:
                write_all(stdin_write, payload)
            except BrokenPipeError:
                pass
        elif kind == 2:
            number = signal_number(payload.decode("ascii", "replace"))
            if number is not None:
                try:
                    os.killpg(pid, number)
                except OSError:
                    pass

    return relay(pid, pid, {out_read: 1, err_read: 2}, deliver)


def relay(pid, group, outputs, deliver):
    frames = Frames()
    server_open = True
    status = None
    exited_at = None
    kill_at = None
    while outputs:
        if kill_at is not None and time.monotonic() > kill_at:
            # Hung up and still there: the session is gone, so is everything it ran.
            kill_at = None
            kill_session(pid)
        readable = list(outputs) + ([0] if server_open else [])
        timeout = 0.05 if status is not None or kill_at is not None else 1.0
        ready, _, _ = select.select(readable, [], [], timeout)
        for fd in ready:
            if fd == 0:
                data = os.read(0, 65536)
                if not data:
                    server_open = False
                    hang_up(group, foreground(outputs))
                    kill_at = time.monotonic() + 1.0
                    continue
                for kind, payload in frames.feed(data):
                    deliver(kind, payload)
                continue
            try:
                data = os.read(fd, 65536)
            except OSError as ex:
                if ex.errno != errno.EIO:
                    raise
                data = b""
            if data:
                write_all(outputs[fd], data)
            else:
                os.close(fd)
                del outputs[fd]
        if status is None:
            done, raw = os.waitpid(pid, os.WNOHANG)
            if done:
                status = raw
                exited_at = time.monotonic()
        elif not ready and time.monotonic() - exited_at > 0.2:
            # The program is gone and nothing came for a while: whatever still holds
            # the output open (a background child) does not keep the session running.
            break
    if status is None:
        _, status = os.waitpid(pid, 0)
    return exit_code(status)


def kill_session(leader):
    # Everything the program started, background jobs in their own groups included:
    # every process of its session.
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open("/proc/%s/stat" % entry) as stat:
                fields = stat.read().rsplit(")", 1)[1].split()
            if int(fields[3]) == leader:
                os.kill(int(entry), signal.SIGKILL)
        except (OSError, ValueError, IndexError):
            pass


def foreground(outputs):
    # The terminal's foreground process group (a job the shell started), if any.
    for fd in outputs:
        try:
            return os.tcgetpgrp(fd)
        except OSError:
            return None
    return None


def hang_up(group, job):
    for target in (group, job):
        for number in (signal.SIGHUP, signal.SIGCONT):
            try:
                os.killpg(target, number)
            except (OSError, TypeError):
                pass


if __name__ == "__main__":
    for number in IGNORED:
        signal.signal(number, signal.SIG_IGN)
    code = run_terminal() if MODE == "pty" else run_pipes()
    sys.stdout.flush()
    os._exit(code)
