/**
 * The frame-aware WebSocket tunnel. After the origin's 101 both HTTP codecs leave the
 * pipelines and bytes are forwarded exactly as they came (no unmasking, no re-framing,
 * extensions untouched), while a light parser tracks frame boundaries so that the edge can
 * count messages, see close frames and put a close frame of its own between frames.
 */
package dev.pier.edge.tunnel;
