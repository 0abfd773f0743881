package io.joblane.certs.x509;

import java.nio.ByteBuffer;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.TrustManagerFactory;

/**
 * A TLS handshake between two JDK SSLEngines in memory, so hostname verification ("HTTPS" endpoint identification)
 * and PKIX trust run exactly as in a real client without opening a socket.
 */
final class InMemoryTls {
    private InMemoryTls() {}

    /** Completes a handshake or throws the client's or server's SSLException. */
    static void handshake(X509Certificate leaf, PrivateKey key, List<X509Certificate> trusted, String hostname)
            throws Exception {
        KeyStore ks = KeyStore.getInstance("PKCS12");
        ks.load(null, null);
        ks.setKeyEntry("leaf", key, new char[0], new Certificate[] {leaf});
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(ks, new char[0]);
        SSLContext serverCtx = SSLContext.getInstance("TLS");
        serverCtx.init(kmf.getKeyManagers(), null, null);

        KeyStore ts = KeyStore.getInstance("PKCS12");
        ts.load(null, null);
        for (int i = 0; i < trusted.size(); i++) {
            ts.setCertificateEntry("ca" + i, trusted.get(i));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance("PKIX");
        tmf.init(ts);
        SSLContext clientCtx = SSLContext.getInstance("TLS");
        clientCtx.init(null, tmf.getTrustManagers(), null);

        SSLEngine client = clientCtx.createSSLEngine(hostname, 443);
        client.setUseClientMode(true);
        SSLParameters params = client.getSSLParameters();
        params.setEndpointIdentificationAlgorithm("HTTPS");
        client.setSSLParameters(params);
        SSLEngine server = serverCtx.createSSLEngine();
        server.setUseClientMode(false);

        int size = Math.max(
                client.getSession().getPacketBufferSize(), server.getSession().getPacketBufferSize());
        ByteBuffer clientToServer = ByteBuffer.allocate(size * 4);
        ByteBuffer serverToClient = ByteBuffer.allocate(size * 4);
        ByteBuffer clientApp = ByteBuffer.allocate(size * 4);
        ByteBuffer serverApp = ByteBuffer.allocate(size * 4);
        ByteBuffer empty = ByteBuffer.allocate(0);
        client.beginHandshake();
        server.beginHandshake();
        for (int round = 0; round < 1000; round++) {
            if (done(client) && done(server)) {
                return;
            }
            step(client, empty, clientToServer, serverToClient, clientApp);
            step(server, empty, serverToClient, clientToServer, serverApp);
        }
        throw new IllegalStateException("handshake did not finish");
    }

    private static boolean done(SSLEngine e) {
        SSLEngineResult.HandshakeStatus s = e.getHandshakeStatus();
        return s == SSLEngineResult.HandshakeStatus.NOT_HANDSHAKING || s == SSLEngineResult.HandshakeStatus.FINISHED;
    }

    private static void step(SSLEngine engine, ByteBuffer empty, ByteBuffer out, ByteBuffer in, ByteBuffer app)
            throws Exception {
        switch (engine.getHandshakeStatus()) {
            case NEED_WRAP -> engine.wrap(empty, out);
            case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
                in.flip();
                engine.unwrap(in, app);
                in.compact();
            }
            case NEED_TASK -> {
                Runnable task;
                while ((task = engine.getDelegatedTask()) != null) {
                    task.run();
                }
            }
            default -> {}
        }
    }
}
