import com.sun.tools.attach.VirtualMachine;

/**
 * Loads a native agent into a running JVM: {@code java bench/AttachAgent.java PID LIBRARY OPTIONS}.
 * {@code jcmd PID JVMTI.agent_load} would split async-profiler's options at their commas.
 */
public class AttachAgent {
    public static void main(String[] args) throws Exception {
        if (args.length != 3) {
            System.err.println("usage: java bench/AttachAgent.java PID LIBRARY OPTIONS");
            System.exit(2);
        }
        VirtualMachine vm = VirtualMachine.attach(args[0]);
        try {
            vm.loadAgentPath(args[1], args[2]);
        } finally {
            vm.detach();
        }
    }
}
