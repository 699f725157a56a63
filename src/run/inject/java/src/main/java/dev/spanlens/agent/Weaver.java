package dev.spanlens.agent;

import java.lang.instrument.ClassFileTransformer;
import java.security.ProtectionDomain;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.ClassVisitor;
import org.objectweb.asm.ClassWriter;
import org.objectweb.asm.MethodVisitor;
import org.objectweb.asm.Opcodes;

/**
 * The two changes the agent makes to OpenTelemetry's classes, as they load:
 * <ul>
 *   <li>{@code SdkTracerProviderBuilder.build()} first calls {@link Hooks#onBuild}, which adds Span
 *       Lens's processor to the builder (after the program's own);</li>
 *   <li>{@code GlobalOpenTelemetry.get()} / {@code getOrNoop()} pass what they return through
 *       {@link Hooks#lend}, which lends a provider while the program has registered none.</li>
 * </ul>
 * Both only add a static call at the start or before each return: the methods' own code and their
 * stack frames are untouched, whatever the SDK version.
 */
final class Weaver implements ClassFileTransformer {
  private static final String BUILDER = "io/opentelemetry/sdk/trace/SdkTracerProviderBuilder";
  private static final String GLOBAL = "io/opentelemetry/api/GlobalOpenTelemetry";
  private static final String HOOKS = "dev/spanlens/agent/Hooks";

  @Override
  public byte[] transform(ClassLoader loader, String name, Class<?> redefined, ProtectionDomain domain, byte[] bytes) {
    if (name == null || redefined != null) return null;
    // Shaded copies (io.opentelemetry inside another package) end with the same path.
    boolean builder = name.endsWith(BUILDER);
    boolean global = !builder && name.endsWith(GLOBAL);
    if (!builder && !global) return null;
    if (!seesHooks(loader)) return null;
    try {
      ClassReader reader = new ClassReader(bytes);
      ClassWriter writer = new ClassWriter(reader, ClassWriter.COMPUTE_MAXS);
      String otel = name.substring(0, name.length() - (builder ? BUILDER : GLOBAL).length()) + "io/opentelemetry/api/OpenTelemetry";
      reader.accept(new ClassVisitor(Opcodes.ASM9, writer) {
        @Override
        public MethodVisitor visitMethod(int access, String m, String desc, String sig, String[] exc) {
          MethodVisitor mv = super.visitMethod(access, m, desc, sig, exc);
          if (builder && m.equals("build") && desc.startsWith("()") && (access & Opcodes.ACC_STATIC) == 0) return onEntry(mv);
          if (global && (m.equals("get") || m.equals("getOrNoop")) && desc.equals("()L" + otel + ";")) return beforeReturn(mv, otel);
          return mv;
        }
      }, 0);
      if (builder) Agent.otelSeen();
      return writer.toByteArray();
    } catch (Throwable t) {
      return null;
    }
  }

  /** Whether code loaded by {@code loader} resolves Span Lens's hooks to this very agent. */
  private static boolean seesHooks(ClassLoader loader) {
    try {
      return Class.forName(Hooks.class.getName(), false, loader) == Hooks.class;
    } catch (Throwable t) {
      return false;
    }
  }

  private static MethodVisitor onEntry(MethodVisitor mv) {
    return new MethodVisitor(Opcodes.ASM9, mv) {
      @Override
      public void visitCode() {
        super.visitCode();
        super.visitVarInsn(Opcodes.ALOAD, 0);
        super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "onBuild", "(Ljava/lang/Object;)V", false);
      }
    };
  }

  private static MethodVisitor beforeReturn(MethodVisitor mv, String otel) {
    return new MethodVisitor(Opcodes.ASM9, mv) {
      @Override
      public void visitInsn(int opcode) {
        if (opcode == Opcodes.ARETURN) {
          super.visitMethodInsn(Opcodes.INVOKESTATIC, HOOKS, "lend", "(Ljava/lang/Object;)Ljava/lang/Object;", false);
          super.visitTypeInsn(Opcodes.CHECKCAST, otel);
        }
        super.visitInsn(opcode);
      }
    };
  }
}
