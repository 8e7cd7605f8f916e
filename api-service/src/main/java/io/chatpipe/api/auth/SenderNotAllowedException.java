package io.chatpipe.api.auth;

import io.chatpipe.api.web.FieldProblem;
import io.chatpipe.events.UserId;
import java.util.List;
import org.springframework.http.HttpStatus;
import org.springframework.web.ErrorResponseException;

/** An API key that may send only as some users, used for another: 403. */
public class SenderNotAllowedException extends ErrorResponseException {

    SenderNotAllowedException(String key, UserId sender) {
        super(HttpStatus.FORBIDDEN, FieldProblem.problem(HttpStatus.FORBIDDEN,
                "This API key may not send messages as this user.",
                List.of(new FieldProblem("fromId", "'" + sender + "' is not among the senders of the API key '"
                        + key + "'"))), null);
    }
}
