package io.chatpipe.capture;

import io.chatpipe.testsupport.Prosody;
import io.chatpipe.testsupport.ServiceProcess;
import io.chatpipe.testsupport.XmppServer;
import java.io.IOException;

/**
 * The same capture, the same proof, on the real Prosody: its mod_mam archive in PostgreSQL (mod_storage_sql,
 * table {@code prosodyarchive}), read by the same change data capture with {@code archive.server=prosody}.
 * Prosody archives receipts and chat markers without a storage hint, and stores the stanza as received, its
 * {@code from} the sender's full JID, in the recipient's archive and in the sender's.
 */
class ProsodyCaptureTests extends ArchiveCaptureTests {

    @Override
    XmppServer server() {
        return Prosody.shared();
    }

    @Override
    ServiceProcess startCapture() throws IOException, InterruptedException {
        return RunningCapture.startOnProsody();
    }
}
