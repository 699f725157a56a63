package dev.spanlens.agent;

import java.io.IOException;
import java.io.InputStream;
import java.util.jar.JarEntry;

/**
 * Loads Span Lens's OpenTelemetry-facing classes (packages {@code dev.spanlens.agent.sdk} and
 * {@code .otel}) from the agent jar as children of the class loader that loaded the program's
 * OpenTelemetry, so the interfaces they implement are the program's own (any 1.x version, any
 * class loader layout). Everything else comes from that loader, and Span Lens's core from the
 * system class loader above it.
 */
final class SideLoader extends ClassLoader {
  private static final String SIDE = "dev.spanlens.agent.";

  static {
    registerAsParallelCapable();
  }

  private SideLoader(ClassLoader parent) {
    super("span-lens", parent);
  }

  /** A new instance of {@code className}, loaded next to {@code parent}'s classes, as a {@code type}. */
  static <T> T create(ClassLoader parent, Class<T> type, String className) throws ReflectiveOperationException {
    Class<?> c = Class.forName(className, true, new SideLoader(parent));
    return type.cast(c.getDeclaredConstructor().newInstance());
  }

  @Override
  protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
    if (!name.startsWith(SIDE + "sdk.") && !name.startsWith(SIDE + "otel.")) return super.loadClass(name, resolve);
    synchronized (getClassLoadingLock(name)) {
      Class<?> c = findLoadedClass(name);
      if (c == null) c = define(name);
      if (resolve) resolveClass(c);
      return c;
    }
  }

  private Class<?> define(String name) throws ClassNotFoundException {
    JarEntry entry = Agent.jar().getJarEntry(name.replace('.', '/') + ".class");
    if (entry == null) throw new ClassNotFoundException(name);
    try (InputStream in = Agent.jar().getInputStream(entry)) {
      byte[] bytes = in.readAllBytes();
      return defineClass(name, bytes, 0, bytes.length);
    } catch (IOException e) {
      throw new ClassNotFoundException(name, e);
    }
  }
}
