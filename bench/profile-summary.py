#!/usr/bin/env python3
"""Where the samples of an async-profiler collapsed profile went (bench/profile.sh writes them).

usage: bench/profile-summary.py FILE.collapsed [TOP=15] [THREAD_PREFIX]
  THREAD_PREFIX keeps only the stacks of threads whose name starts with it (e.g.
  multiThreadIoEventLoopGroup-3 for the edge's event loops in a wall-clock profile)
Prints, as a share of all samples:
  - by thread (cpu and wall profiles taken with `threads`): the first frame of each stack
  - by where the leaf frame is: kernel, Pier (dev/pier), Netty, JDK, GC, JIT compiler, JVM other
  - inclusive: stacks that pass through Pier's code, through Netty, through the kernel
  - the top leaf frames, and the top Pier frames (the deepest dev/pier frame of each stack)
"""
import collections, re, sys

path = sys.argv[1]; top = int(sys.argv[2]) if len(sys.argv) > 2 else 15
only = sys.argv[3] if len(sys.argv) > 3 else None
stacks = []
for line in open(path):
    line = line.rstrip('\n')
    if not line: continue
    frames, _, count = line.rpartition(' ')
    frames = frames.split(';')
    if only and not frames[0].lstrip('[').startswith(only): continue
    stacks.append((frames, int(count)))
total = sum(c for _, c in stacks) or 1

def kind(frame):
    if frame.endswith('_[k]'): return 'kernel'
    f = frame.replace('.', '/')
    if f.startswith('dev/pier/'): return 'Pier'
    if f.startswith('io/netty/'): return 'Netty'
    if f.startswith(('java/', 'javax/', 'jdk/', 'sun/', 'com/sun/')): return 'JDK'
    if re.search(r'(^|::|_)(GC|Serial|DefNew|Tenured|Mark|Copy|Scavenge|CardTable|G1)', frame) or 'GenCollect' in frame: return 'GC'
    if 'Compile' in frame or frame.startswith(('C2', 'C1', 'Phase')): return 'JIT compiler'
    if frame.endswith('_[j]') or frame.endswith('_[i]'): return 'Java other'
    return 'native/JVM'

def thread(frames):
    first = frames[0]
    return re.sub(r' ?(tid=)?\[?\d+\]?$', '', first) if first.startswith('[') else '(no thread frame)'

def pct(n): return f'{100.0 * n / total:5.1f}%'

by_thread, by_leaf, inclusive, leaves, pier = (collections.Counter() for _ in range(5))
for frames, c in stacks:
    by_thread[re.sub(r'-\d+( tid=\d+)?\]$|\d+( tid=\d+)?\]$', ']', thread(frames))] += c
    body = frames[1:] if frames[0].startswith('[') else frames
    leaf = body[-1] if body else frames[-1]
    k = kind(leaf)
    if k in ('native/JVM', 'JDK', 'Java other') and any(kind(f) == 'GC' for f in body): k = 'GC'
    if k in ('native/JVM',) and any('CompileBroker' in f for f in body): k = 'JIT compiler'
    by_leaf[k] += c
    kinds = {kind(f) for f in body}
    for name in ('Pier', 'Netty', 'kernel'):
        if name in kinds: inclusive[name] += c
    leaves[leaf] += c
    deepest_pier = next((f for f in reversed(body) if kind(f) == 'Pier'), None)
    if deepest_pier: pier[deepest_pier] += c

print(f'{path}: {total} samples' + (f' of threads {only}*' if only else ''))
print('by thread (thread pools folded):')
for t, c in by_thread.most_common(8): print(f'  {pct(c)}  {t}')
print('by the leaf frame:')
for k, c in by_leaf.most_common(): print(f'  {pct(c)}  {k}')
print('inclusive: ' + ', '.join(f'{n} {pct(inclusive[n]).strip()}' for n in ('Pier', 'Netty', 'kernel')))
print(f'top {top} leaf frames:')
for f, c in leaves.most_common(top): print(f'  {pct(c)}  {f}')
print(f'top {top} Pier frames (the deepest dev/pier frame of each stack, inclusive):')
for f, c in pier.most_common(top): print(f'  {pct(c)}  {f}')
