package dev.pier.workers;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * What a Durable Object gets at construction (Cloudflare's {@code ctx}): its id, its storage, and
 * the WebSocket Hibernation API.
 *
 * <p>A WebSocket the object accepts with {@link #acceptWebSocket} is hibernatable: its messages,
 * close and errors are the object's {@link DurableObject#webSocketMessage}, {@link
 * DurableObject#webSocketClose} and {@link DurableObject#webSocketError} events, and it stays
 * open at the edge while the object, idle, is evicted from memory. The next event constructs the
 * object again; {@link #getWebSockets()} gives it back every such socket, with its tags and its
 * attachment.
 */
public interface DurableObjectState {

    /** At most this many WebSockets per object, as on Cloudflare. */
    int MAX_WEBSOCKETS = 32_768;
    /** At most this many tags per WebSocket. */
    int MAX_TAGS = 10;
    /** At most this many characters per tag. */
    int MAX_TAG_LENGTH = 256;
    /** At most this many characters in an auto-response's request and in its response. */
    int MAX_AUTO_RESPONSE_LENGTH = 2_048;
    /** The longest {@link #setHibernatableWebSocketEventTimeout} allowed. */
    Duration MAX_EVENT_TIMEOUT = Duration.ofDays(7);

    DurableObjectId id();

    DurableObjectStorage storage();

    /**
     * Runs {@code callback} while no other event is delivered to the object, Cloudflare's
     * {@code ctx.blockConcurrencyWhile(callback)}, as in a constructor that loads the object's
     * state before its first request. Here no other event is delivered while any event runs, so
     * this only adds the failure rule: when {@code callback} throws, the object is reset (this event
     * keeps none of its writes, whatever it does next; its WebSockets close with 1011; it is
     * constructed again on its next event), as Cloudflare resets an object whose callback threw.
     *
     * @return what {@code callback} returned
     * @throws java.util.concurrent.CompletionException wrapping a checked exception {@code callback}
     *         threw (an unchecked one is rethrown as it is)
     */
    <T> T blockConcurrencyWhile(Callable<T> callback);

    /**
     * Resets the object, Cloudflare's {@code ctx.abort(reason)}: the running event fails with
     * {@code reason} whatever its code does next, keeps none of its writes, the object's WebSockets
     * close with 1011, and its next event constructs it again.
     *
     * @throws IllegalStateException always, with {@code reason}: the event ends here
     */
    void abort(String reason);

    /**
     * Accepts the server end of a {@link WebSocketPair} this object made, as hibernatable, with
     * {@code tags} (at most {@value #MAX_TAGS}, each at most {@value #MAX_TAG_LENGTH} characters).
     *
     * @throws IllegalArgumentException for tags over the limits
     * @throws IllegalStateException    when the socket is not an unaccepted server end this object
     *                                  made, or the object holds {@value #MAX_WEBSOCKETS} already
     */
    void acceptWebSocket(WebSocket ws, String... tags);

    /**
     * The hibernatable WebSockets open on this object, in the order they were accepted; one whose
     * close is being handled is no longer among them.
     */
    List<WebSocket> getWebSockets();

    /** Those of {@link #getWebSockets()} that have {@code tag}. */
    List<WebSocket> getWebSockets(String tag);

    /** The tags {@code ws} was accepted with. @throws IllegalArgumentException when it is not a hibernatable WebSocket of this object */
    List<String> getTags(WebSocket ws);

    /**
     * From now on the edge answers a text message equal to {@code pair.request()} on any of this
     * object's hibernatable WebSockets with {@code pair.response()}, without an event and without
     * waking the object. Null removes it.
     */
    void setWebSocketAutoResponse(WebSocketRequestResponsePair pair);

    /** The auto-response set, or null. */
    WebSocketRequestResponsePair getWebSocketAutoResponse();

    /** When the edge last sent the auto-response on {@code ws}, or null if it never did. */
    Instant getWebSocketAutoResponseTimestamp(WebSocket ws);

    /**
     * How long a hibernatable WebSocket event may run (at most {@link #MAX_EVENT_TIMEOUT}): one that
     * runs longer is interrupted and resets the object, as on Cloudflare. Null removes the limit.
     */
    void setHibernatableWebSocketEventTimeout(Duration timeout);

    /** The limit set, or null. */
    Duration getHibernatableWebSocketEventTimeout();
}
