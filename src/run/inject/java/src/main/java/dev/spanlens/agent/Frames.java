package dev.spanlens.agent;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * Writes framed records ({@code @@span-lens/1 <nonce> <json>\n}, docs/format.md) off the
 * program's hot path: a span's record is queued as a {@link Supplier} of its JSON, which a daemon
 * thread turns into text and writes every 50 ms, or as soon as 4,096 records wait; at exit the
 * rest is written synchronously. Serializing a span costs more than the SDK's own work on it, and
 * a cold JVM runs that code interpreted: done on the program's thread, it made a 10,000-span loop
 * 25 times slower; queued, the loop pays for a list append. Records go to the run's side channel
 * (SPAN_LENS_CHANNEL, a Unix domain socket) when there is one, else to stdout, in line-aligned
 * writes of at most 4 KiB: a pipe write that size is atomic, so the program's own output can never
 * land inside a frame.
 */
final class Frames {
  private static final int FLUSH_AT = 4096;
  /** Past this many waiting records the program's thread writes them itself: memory stays bounded. */
  private static final int WRITE_INLINE_AT = 200_000;
  private static final int PIPE_ATOMIC = 4096;
  private static final long PERIOD_MS = 50;

  private final String prefix;
  private final Object lock = new Object();
  private final Object writeLock = new Object();
  /** Records waiting: their JSON text (String) or a Supplier of it. */
  private ArrayList<Object> pending = new ArrayList<>();
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

  /** Queue one record: its JSON text (one line), or a Supplier of it called later on the writer's thread. */
  void add(Object record) {
    List<Object> batch = null;
    synchronized (lock) {
      pending.add(record);
      int size = pending.size();
      if (closed || size >= WRITE_INLINE_AT) {
        batch = take();
      } else if (size == FLUSH_AT) {
        lock.notifyAll();
      }
    }
    if (batch != null) write(batch);
  }

  /** Write everything queued, now, on the caller's thread. */
  void flush() {
    List<Object> batch;
    synchronized (lock) {
      batch = take();
    }
    write(batch);
  }

  /** Write what is queued and stop the background thread; later records are written directly. */
  void close() {
    List<Object> batch;
    synchronized (lock) {
      closed = true;
      batch = take();
      lock.notifyAll();
    }
    write(batch);
  }

  private List<Object> take() {
    if (pending.isEmpty()) return List.of();
    List<Object> batch = pending;
    pending = new ArrayList<>(Math.min(batch.size(), 64 * 1024));
    return batch;
  }

  private void flushLoop() {
    try {
      for (;;) {
        List<Object> batch;
        synchronized (lock) {
          if (closed) return;
          if (pending.size() < FLUSH_AT) lock.wait(PERIOD_MS);
          if (closed) return;
          batch = take();
        }
        write(batch);
      }
    } catch (InterruptedException e) {
      // the JVM is going away
    }
  }

  /** Text of the records, written in pieces of about 64 KiB. The write lock keeps batches in order. */
  private void write(List<Object> batch) {
    if (batch.isEmpty()) return;
    synchronized (writeLock) {
      StringBuilder text = new StringBuilder(64 * 1024 + 4096);
      for (Object record : batch) {
        String json;
        try {
          json = record instanceof String ? (String) record : String.valueOf(((Supplier<?>) record).get());
        } catch (Throwable t) {
          continue; // a span we could not read is not worth the program's other spans
        }
        text.append(prefix).append(json).append('\n');
        if (text.length() >= 64 * 1024) {
          writeText(text.toString());
          text.setLength(0);
        }
      }
      writeText(text.toString());
    }
  }

  private void writeText(String text) {
    if (text.isEmpty()) return;
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
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
