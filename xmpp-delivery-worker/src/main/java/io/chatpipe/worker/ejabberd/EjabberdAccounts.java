package io.chatpipe.worker.ejabberd;

import io.chatpipe.events.UserId;
import io.chatpipe.worker.config.ConditionalOnBackend;
import io.chatpipe.worker.config.WorkerProperties;
import io.chatpipe.worker.config.WorkerProperties.Backend;
import io.chatpipe.worker.config.WorkerProperties.SmackAccounts;
import io.chatpipe.worker.dispatch.DeliveryException;
import io.chatpipe.worker.provisioning.XmppAccounts;
import org.springframework.stereotype.Component;

/**
 * Accounts through ejabberd's admin API: {@code register}, which answers 409 for an account that
 * exists and leaves it alone, then {@code set_nickname}. For the ejabberd-api path, and for the smack
 * path when told to.
 *
 * <p>No {@code check_account} first: ejabberd caches "no such user" answers (auth cache_missed), and
 * a lookup racing a registration can leave that answer cached for an account that now exists, after
 * which ejabberd drops messages to it as to a user that does not exist. register alone never asks
 * before the account is there.
 */
@Component
@ConditionalOnBackend(value = {Backend.EJABBERD_API, Backend.SMACK}, smackAccounts = SmackAccounts.EJABBERD_API)
class EjabberdAccounts implements XmppAccounts {

    private final EjabberdApi api;

    private final String domain;

    EjabberdAccounts(EjabberdApi api, WorkerProperties properties) {
        this.api = api;
        this.domain = properties.xmppDomain();
    }

    @Override
    public boolean createIfAbsent(UserId user, String password, String nickname) throws DeliveryException {
        if (!api.call(new Register(user.localpart(), domain, password))) {
            return false;
        }
        api.call(new SetNickname(user.localpart(), domain, nickname));
        return true;
    }
}
