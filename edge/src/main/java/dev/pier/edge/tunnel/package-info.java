/**
 * The frame-aware WebSocket tunnel. After the origin's 101 both HTTP codecs leave the
 * pipelines and bytes are forwarded exactly as they came (no unmasking, no re-framing,
 * extensions untouched), while a light parser tracks frame boundaries so that the edge can
 * count messages, see close frames, put a close frame of its own between frames, and stop a
 * frame that breaks RFC 6455's framing rules or the zone's size limit before it is forwarded.
 */
package dev.pier.edge.tunnel;
