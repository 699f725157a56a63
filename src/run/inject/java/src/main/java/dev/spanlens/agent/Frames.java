package dev.spanlens.agent;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * Writes framed records ({@code @@span-lens/1 <nonce> <json>\n}, docs/format.md) off the
 * program's hot path: a span's record is appended to a buffer that a daemon thread writes every
 * 50 ms, or as soon as it passes 64 KiB; at exit the rest is written synchronously. The records go
 * to the run's side channel (SPAN_LENS_CHANNEL, a Unix domain socket) when there is one, else to
 * stdout, in line-aligned writes of at most 4 KiB: a pipe write that size is atomic, so the
 * program's own output can never land inside a frame.
 */
final class Frames {
  private static final int FLUSH_AT = 64 * 1024;
  /** Past this much unwritten text the program's thread writes it itself: memory stays bounded. */
  private static final int WRITE_INLINE_AT = 4 * 1024 * 1024;
  private static final int PIPE_ATOMIC = 4096;
  private static final long PERIOD_MS = 50;

  private final String prefix;
  private final Object lock = new Object();
  private final Object writeLock = new Object();
  private StringBuilder pending = new StringBuilder(16 * 1024);
  private boolean closed;
  private SocketChannel channel;
  private FileOutputStream stdout;
  private boolean broken;

  Frames(String nonce, String channelPath) {
    this.prefix = "@@span-lens/1 " + nonce + " ";
    if (channelPath != null && !channelPath.isEmpty()) {
      try {
        channel = SocketChannel.open(StandardProtocolFamily.UNIX);
        channel.connect(UnixDomainSocketAddress.of(channelPath));
      } catch (Throwable t) {
        channel = null;
      }
    }
    if (channel == null) stdout = new FileOutputStream(FileDescriptor.out);
    Thread flusher = new Thread(this::flushLoop, "span-lens-frames");
    flusher.setDaemon(true);
    flusher.start();
  }

  /** Queue one record (its JSON text, one line). After {@link #close} it is written at once. */
  void add(String json) {
    String text = null;
    synchronized (lock) {
      pending.append(prefix).append(json).append('\n');
      int size = pending.length();
      if (closed || size >= WRITE_INLINE_AT) {
        text = take();
      } else if (size >= FLUSH_AT) {
        lock.notifyAll();
      }
    }
    if (text != null) write(text);
  }

  /** Write what is queued and stop the background thread; later records are written directly. */
  void close() {
    String text;
    synchronized (lock) {
      closed = true;
      text = take();
      lock.notifyAll();
    }
    write(text);
  }

  private String take() {
    if (pending.length() == 0) return "";
    String text = pending.toString();
    pending = new StringBuilder(Math.min(Math.max(16 * 1024, text.length()), WRITE_INLINE_AT));
    return text;
  }

  private void flushLoop() {
    try {
      for (;;) {
        String text;
        synchronized (lock) {
          if (closed) return;
          if (pending.length() < FLUSH_AT) lock.wait(PERIOD_MS);
          if (closed) return;
          text = take();
        }
        write(text);
      }
    } catch (InterruptedException e) {
      // the JVM is going away
    }
  }

  private void write(String text) {
    if (text.isEmpty()) return;
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    synchronized (writeLock) {
      if (broken) return;
      try {
        if (channel != null) {
          ByteBuffer buf = ByteBuffer.wrap(bytes);
          while (buf.hasRemaining()) channel.write(buf);
        } else {
          writeLines(bytes);
        }
      } catch (IOException e) {
        // Nobody reads any more: stop trying, the program goes on.
        broken = true;
      }
    }
  }

  /** Whole lines, at most PIPE_ATOMIC bytes a write (a longer line alone). */
  private void writeLines(byte[] bytes) throws IOException {
    int start = 0;
    while (start < bytes.length) {
      int end = start;
      int lastBreak = -1;
      while (end < bytes.length && end - start < PIPE_ATOMIC) {
        if (bytes[end++] == '\n') lastBreak = end;
      }
      if (end < bytes.length && lastBreak > 0) {
        end = lastBreak;
      } else if (end < bytes.length) {
        // One line longer than PIPE_ATOMIC: write it whole.
        while (end < bytes.length && bytes[end - 1] != '\n') end++;
      }
      stdout.write(bytes, start, end - start);
      start = end;
    }
  }
}
