package io.chatpipe.api.web;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.CacheControl;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Controller;
import org.springframework.web.bind.annotation.GetMapping;

/**
 * Seed 000's chat page, {@code /chat/{from}/{to}}: plain HTML and JavaScript from the jar. The page reads
 * both user ids from its own address; it asks {@code from}'s password and logs in, then chats over the
 * WebSocket. A WebSocket upgrade of the same path is not the page (see the legacy chat endpoint).
 */
@Controller
class ChatPageController {

    private final Resource page = new ClassPathResource("web/chat.html");

    @GetMapping(path = "/chat/{from}/{to}", headers = "Upgrade!=websocket")
    ResponseEntity<Resource> page() {
        return ResponseEntity.ok().cacheControl(CacheControl.noCache()).contentType(MediaType.TEXT_HTML).body(page);
    }
}
