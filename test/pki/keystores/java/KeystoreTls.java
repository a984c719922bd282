// Test fixture run in source-launch mode (`java KeystoreTls.java ...`, Java 11+): the real
// Java consumer of the keystores certctl writes. Passwords are read from files as UTF-8.
//
//   serve <type> <keystore> <passwordFile> [...]  TLS server per keystore on 127.0.0.1;
//                                                 prints "PORTS p1 p2 ..." then serves forever
//   trust <port> <type> <truststore> <passwordFile> [...]
//                                                 TLS handshake to 127.0.0.1:<port> trusting
//                                                 only each truststore; prints OK/FAIL lines
//   list <type> <keystore> <passwordFile>         prints one line per entry
import java.io.*;
import java.nio.charset.StandardCharsets;
import java.nio.file.*;
import java.security.*;
import java.security.cert.*;
import java.util.*;
import javax.net.ssl.*;

public class KeystoreTls {
    static char[] password(String file) throws IOException {
        String s = new String(Files.readAllBytes(Paths.get(file)), StandardCharsets.UTF_8);
        return s.replaceAll("\n$", "").toCharArray();
    }

    static KeyStore load(String type, String file, char[] password) throws Exception {
        KeyStore ks = KeyStore.getInstance(type);
        try (InputStream in = new FileInputStream(file)) {
            ks.load(in, password);
        }
        return ks;
    }

    public static void main(String[] args) throws Exception {
        switch (args[0]) {
            case "serve": serve(args); break;
            case "trust": trust(args); break;
            case "list": list(args); break;
            default: throw new IllegalArgumentException(args[0]);
        }
    }

    static void serve(String[] args) throws Exception {
        StringBuilder ports = new StringBuilder("PORTS");
        for (int i = 1; i + 2 < args.length; i += 3) {
            char[] pw = password(args[i + 2]);
            KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            kmf.init(load(args[i], args[i + 1], pw), pw);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(kmf.getKeyManagers(), null, null);
            SSLServerSocket server = (SSLServerSocket) ctx.getServerSocketFactory().createServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress());
            ports.append(' ').append(server.getLocalPort());
            Thread t = new Thread(() -> {
                while (true) {
                    try (SSLSocket s = (SSLSocket) server.accept()) {
                        s.setSoTimeout(10000);
                        s.startHandshake();
                        s.getOutputStream().write("hello from java\n".getBytes(StandardCharsets.UTF_8));
                        s.getOutputStream().flush();
                    } catch (IOException e) {
                        System.err.println("connection failed: " + e);
                    }
                }
            });
            t.setDaemon(true);
            t.start();
        }
        System.out.println(ports);
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }

    static void trust(String[] args) throws Exception {
        int port = Integer.parseInt(args[1]);
        for (int i = 2; i + 2 < args.length; i += 3) {
            try {
                TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                tmf.init(load(args[i], args[i + 1], password(args[i + 2])));
                SSLContext ctx = SSLContext.getInstance("TLS");
                ctx.init(null, tmf.getTrustManagers(), null);
                try (SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port)) {
                    SSLParameters p = s.getSSLParameters();
                    p.setEndpointIdentificationAlgorithm("HTTPS");
                    s.setSSLParameters(p);
                    s.startHandshake();
                    X509Certificate leaf = (X509Certificate) s.getSession().getPeerCertificates()[0];
                    System.out.println("OK " + args[i + 1] + " " + leaf.getSubjectX500Principal().getName());
                }
            } catch (Exception e) {
                System.out.println("FAIL " + args[i + 1] + " " + e);
            }
        }
    }

    static void list(String[] args) throws Exception {
        KeyStore ks = load(args[1], args[2], password(args[3]));
        for (String alias : Collections.list(ks.aliases())) {
            if (ks.isKeyEntry(alias)) {
                Key key = ks.getKey(alias, password(args[3]));
                System.out.println("KEY " + alias + " " + key.getAlgorithm() + " chain=" + ks.getCertificateChain(alias).length);
            } else {
                System.out.println("TRUSTED " + alias + " " + ((X509Certificate) ks.getCertificate(alias)).getSubjectX500Principal().getName());
            }
        }
    }
}
