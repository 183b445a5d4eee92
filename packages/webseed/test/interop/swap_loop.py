#!/usr/bin/python3
"""Swaps two paths atomically (renameat2 RENAME_EXCHANGE) as fast as it can, for a number of seconds.

usage: swap_loop.py <a> <b> <seconds>   prints the number of swaps
"""
import ctypes
import os
import sys
import time

libc = ctypes.CDLL(None, use_errno=True)
AT_FDCWD = -100
RENAME_EXCHANGE = 2
a, b, seconds = os.fsencode(sys.argv[1]), os.fsencode(sys.argv[2]), float(sys.argv[3])
end = time.time() + seconds
swaps = 0
while time.time() < end:
    if libc.renameat2(AT_FDCWD, a, AT_FDCWD, b, RENAME_EXCHANGE) != 0:
        sys.exit("renameat2: " + os.strerror(ctypes.get_errno()))
    swaps += 1
print(swaps)
