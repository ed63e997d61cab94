#!/usr/bin/env python3
"""Where an event loop's CPU goes under a message load, by path: the copies between user and kernel
memory, the rest of recv and send, epoll_wait, sleeping and waking, Netty's and Pier's Java.

usage: bench/profile-paths.py FILE.collapsed [FILE.collapsed ...]
  FILE: an async-profiler CPU profile with kernel frames and threads (bench/profile.sh writes
  them; `event=cpu,threads`, dumped as `collapsed`). The edge's event loops are the threads named
  multiThreadIoEventLoopGroup-3-*; every other thread is one line. Shares are of all samples.
On loopback, send also runs the receiver's TCP input, so "send, the rest" holds the peer's side too.
"""
import collections, sys

LOOPS = '[multiThreadIoEventLoopGroup-3'

def path(frames):
    leaf = frames[-1]
    kernel = [f for f in frames if f.endswith('_[k]')]
    def under(*words): return any(w in f for f in kernel for w in words)
    if '_copy_to_iter' in leaf: return 'copy kernel -> user (recv)'
    if '_copy_from_iter' in leaf: return 'copy user -> kernel (send)'
    if 'finish_task_switch' in leaf or '__schedule' in leaf: return 'sleeping and waking (finish_task_switch)'
    if kernel and under('epoll_wait', 'ep_poll', 'epoll_pwait'): return 'epoll_wait, the rest'
    if kernel and under('recvfrom', 'tcp_recvmsg'): return 'recv, the rest'
    if kernel and under('sendto', 'tcp_sendmsg'): return 'send, the rest (the receiver\'s TCP input on loopback)'
    if kernel: return 'kernel, other'
    if leaf.startswith('io/netty'): return 'Netty (Java)'
    if leaf.startswith('dev/pier'): return 'Pier (Java)'
    return 'JVM, JDK and libc on the event loops'

for name in sys.argv[1:]:
    counts = collections.Counter(); total = loops = 0
    for line in open(name):
        stack, _, n = line.rstrip('\n').rpartition(' ')
        if not stack: continue
        frames = stack.split(';'); n = int(n); total += n
        if frames[0].startswith(LOOPS):
            loops += n; counts[path(frames)] += n
        else:
            counts['other threads (compiler, request log, ...)'] += n
    print(f'{name}: {total} samples, {loops} on the event loops')
    for what, n in counts.most_common():
        print(f'  {100 * n / max(total, 1):5.1f}%  {what}')
