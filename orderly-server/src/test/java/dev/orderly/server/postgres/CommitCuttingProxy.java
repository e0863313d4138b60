package dev.orderly.server.postgres;

import java.io.DataInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP proxy in front of PostgreSQL that breaks one connection exactly around a COMMIT, to make
 * a commit outcome unknown to the client on purpose.
 *
 * <p>{@link Cut#BEFORE_COMMIT}: the next simple-query COMMIT is never passed on; both sides are
 * closed, so PostgreSQL rolls the transaction back. {@link Cut#AFTER_COMMIT}: the COMMIT goes
 * through and PostgreSQL's "COMMIT" completion comes back, but it is not passed to the client;
 * both sides are closed instead, so the transaction did commit and the client cannot know. Either
 * cut happens once, then the proxy passes everything.
 */
final class CommitCuttingProxy implements AutoCloseable {

    enum Cut { NONE, BEFORE_COMMIT, AFTER_COMMIT }

    private final ServerSocket listener;
    private final String targetHost;
    private final int targetPort;
    private final AtomicReference<Cut> armed = new AtomicReference<>(Cut.NONE);
    private volatile boolean cutDone;

    CommitCuttingProxy(String targetHost, int targetPort) throws IOException {
        this.targetHost = targetHost;
        this.targetPort = targetPort;
        this.listener = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread.ofVirtual().name("commit-cutting-proxy").start(this::accept);
    }

    int port() {
        return listener.getLocalPort();
    }

    /** The next COMMIT on any connection is cut so. */
    void arm(Cut cut) {
        cutDone = false;
        armed.set(cut);
    }

    /** Whether the armed cut has happened. */
    boolean cut() {
        return cutDone;
    }

    private void accept() {
        while (!listener.isClosed()) {
            try {
                Socket client = listener.accept();
                Socket server = new Socket(targetHost, targetPort);
                Thread.ofVirtual().start(() -> clientToServer(client, server));
                Thread.ofVirtual().start(() -> serverToClient(server, client));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void clientToServer(Socket client, Socket server) {
        try (client; server) {
            DataInputStream in = new DataInputStream(client.getInputStream());
            OutputStream out = server.getOutputStream();
            int length = in.readInt(); // the startup message has no type byte
            byte[] startup = new byte[length - 4];
            in.readFully(startup);
            out.write(int32(length));
            out.write(startup);
            out.flush();
            while (true) {
                byte type = in.readByte();
                length = in.readInt();
                byte[] body = new byte[length - 4];
                in.readFully(body);
                if (type == 'Q' && text(body).startsWith("COMMIT") && armed.compareAndSet(Cut.BEFORE_COMMIT, Cut.NONE)) {
                    cutDone = true;
                    return;
                }
                out.write(type);
                out.write(int32(length));
                out.write(body);
                out.flush();
            }
        } catch (IOException closed) {
            // either side went away
        }
    }

    private void serverToClient(Socket server, Socket client) {
        try (server; client) {
            DataInputStream in = new DataInputStream(server.getInputStream());
            OutputStream out = client.getOutputStream();
            while (true) {
                byte type = in.readByte();
                int length = in.readInt();
                byte[] body = new byte[length - 4];
                in.readFully(body);
                if (type == 'C' && text(body).equals("COMMIT") && armed.compareAndSet(Cut.AFTER_COMMIT, Cut.NONE)) {
                    cutDone = true;
                    return;
                }
                out.write(type);
                out.write(int32(length));
                out.write(body);
                out.flush();
            }
        } catch (IOException closed) {
            // either side went away
        }
    }

    private static String text(byte[] body) {
        int end = 0;
        while (end < body.length && body[end] != 0) {
            end++;
        }
        return new String(body, 0, end, StandardCharsets.UTF_8);
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    @Override
    public void close() throws IOException {
        listener.close();
    }

}
