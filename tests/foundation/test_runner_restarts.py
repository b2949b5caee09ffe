"""`make run`'s runner (manage.py run_all) starts a child that died again, with a back-off, and says so."""

import subprocess
import sys

from sandbox.management.commands.run_all import Supervisor


class Clock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self):
        return self.now


def _exits_at_once(code: int):
    return subprocess.Popen([sys.executable, "-c", f"raise SystemExit({code})"])


def _wait_exit(process):
    process.wait(timeout=30)


def test_a_dead_child_is_restarted_with_a_growing_back_off_and_the_output_says_so():
    clock = Clock()
    said: list[str] = []
    spawned: list[subprocess.Popen] = []

    def spawn(name):
        process = _exits_at_once(3)
        spawned.append(process)
        return process

    worker = spawn("worker")
    alive = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        supervisor = Supervisor(spawn, {"worker": worker, "web": alive}, say=said.append, clock=clock)
        delays = []
        for _ in range(7):
            _wait_exit(supervisor.children["worker"])
            supervisor.check()  # notices the exit
            delays.append(said[-1])
            clock.now += supervisor.MAX_DELAY  # the back-off passes
            supervisor.check()  # starts it again
        assert delays == [
            "worker exited with 3; restarting it in 1 s",
            "worker exited with 3; restarting it in 2 s",
            "worker exited with 3; restarting it in 4 s",
            "worker exited with 3; restarting it in 8 s",
            "worker exited with 3; restarting it in 16 s",
            "worker exited with 3; restarting it in 30 s",
            "worker exited with 3; restarting it in 30 s",
        ]
        assert said[-1] == "worker restarted (restart 7)"
        assert len(spawned) == 8  # the first start and seven restarts: real processes each time
        assert supervisor.children["web"] is alive  # the living child is left alone

        # Not restarted before its back-off has passed.
        _wait_exit(supervisor.children["worker"])
        supervisor.check()
        clock.now += 29
        supervisor.check()
        assert said[-1] == "worker exited with 3; restarting it in 30 s"
        clock.now += 1
        supervisor.check()
        assert said[-1] == "worker restarted (restart 8)"

        # A child that ran for a minute before dying is back after the first delay again.
        clock.now += supervisor.HEALTHY_AFTER
        _wait_exit(supervisor.children["worker"])
        supervisor.check()
        assert said[-1] == "worker exited with 3; restarting it in 1 s"
    finally:
        alive.kill()
        alive.wait()
        for process in spawned:
            process.wait(timeout=30)
