// The chat page of /chat/{from}/{to}: logs {from} in with a password (the first login creates the account),
// then speaks seed 003's protocol over /ws/chat. No framework, no build step.
'use strict';

(() => {
  const $ = (id) => document.getElementById(id);
  const canonical = (id) => id.normalize('NFC').toLowerCase();   // as the service folds user ids
  const path = location.pathname.split('/');
  let me = canonical(decodeURIComponent(path[2] || ''));
  const peer = canonical(decodeURIComponent(path[3] || ''));

  const STATUS_TEXT = {
    sending: 'sending…', sent: 'sent', retrying: 'retrying…', failed: 'failed',
    delivered: 'delivered', received: 'received', read: 'read',
  };
  // delivery outcomes (DELIVERY_STATUS frames) as the page shows them: the worker's ACCEPTED and the
  // recipient's archive row (STORED) both mean delivered
  const OUTCOMES = {
    ACCEPTED: 'delivered', STORED: 'delivered', RECEIVED: 'received', READ: 'read', RETRYING: 'retrying',
    FAILED: 'failed',
  };
  // history's states as the page shows them: accepted is in Kafka, which the page calls sent
  const HISTORY_STATES = {
    accepted: 'sent', retrying: 'retrying', failed: 'failed', delivered: 'delivered', received: 'received',
    read: 'read',
  };
  // how far a message got; once the recipient's side confirmed it (delivered and on) it only moves on
  const RANK = { sending: 0, sent: 1, retrying: 2, failed: 2, delivered: 3, received: 4, read: 5 };

  const state = {
    password: null,
    socket: null,
    loggedIn: false,
    everConnected: false,
    retryDelay: 1000,
    byKey: new Map(),            // messageId or 'client:' + clientMessageId -> message entry
    earlyStatus: new Map(),      // messageId -> status that came before its message
  };

  document.title = `${me} → ${peer} · chatpipe`;
  $('me').textContent = me;
  $('peer').textContent = peer;
  $('login-user').textContent = me;
  $('username').value = me;

  // ---------------------------------------------------------------------------------------------------
  // notices
  // ---------------------------------------------------------------------------------------------------
  let noticeTimer = null;

  function notice(text, kind, hideAfterMs) {
    const el = $('notice');
    clearTimeout(noticeTimer);
    el.textContent = text;
    el.className = `notice ${kind}`;
    el.hidden = false;
    if (hideAfterMs) {
      noticeTimer = setTimeout(() => { el.hidden = true; }, hideAfterMs);
    }
  }

  function historyNotice(text) {
    const el = $('history-notice');
    el.textContent = text || '';
    el.hidden = !text;
  }

  function setPresence(online) {
    const el = $('presence');
    el.textContent = online ? 'online' : 'offline';
    el.className = `presence ${online ? 'online' : 'offline'}`;
    el.title = el.textContent;
  }

  // ---------------------------------------------------------------------------------------------------
  // messages
  // ---------------------------------------------------------------------------------------------------
  function inThisConversation(from, to) {
    return (from === me && to === peer) || (from === peer && to === me);
  }

  function show(entry) {
    const li = entry.el || document.createElement('li');
    entry.el = li;
    li.className = `message ${entry.from === me ? 'mine' : 'theirs'}`;
    li.dataset.at = String(entry.at ?? Number.MAX_SAFE_INTEGER);
    if (entry.messageId) {
      li.dataset.messageId = entry.messageId;
    }
    li.replaceChildren();
    const text = document.createElement('div');
    text.className = 'text';
    text.textContent = entry.content;          // text, never markup
    const meta = document.createElement('div');
    meta.className = 'meta';
    const time = entry.at ? new Date(entry.at).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' }) : '';
    meta.append(time);
    if (entry.from === me) {
      const status = document.createElement('span');
      status.className = `status ${entry.status}`;
      status.textContent = (STATUS_TEXT[entry.status] || entry.status) + (entry.error ? `: ${entry.error}` : '');
      meta.append(time ? ' · ' : '', status);
    }
    li.append(text, meta);
    place(li);
  }

  function place(li) {
    const list = $('messages');
    const at = Number(li.dataset.at);
    const stickToBottom = list.scrollHeight - list.scrollTop - list.clientHeight < 40;
    let before = null;
    for (const other of list.children) {
      if (other !== li && Number(other.dataset.at) > at) {
        before = other;
        break;
      }
    }
    if (li.parentNode !== list || li.nextSibling !== before) {
      list.insertBefore(li, before);
    }
    if (stickToBottom) {
      list.scrollTop = list.scrollHeight;
    }
  }

  // A message as the service knows it (a live NEW_MESSAGE or a history entry); merges with what is shown.
  function known({ messageId, clientMessageId, from, to, content, at, status }) {
    let entry = state.byKey.get(messageId) || (clientMessageId && from === me && state.byKey.get(`client:${clientMessageId}`));
    if (!entry) {
      entry = { from, to, content };
    }
    entry.messageId = messageId;
    entry.at = at;
    const early = state.earlyStatus.get(messageId);
    state.earlyStatus.delete(messageId);
    entry.status = better(entry.status, early || status || 'sent');
    entry.error = entry.status === 'failed' ? entry.error : null;
    state.byKey.set(messageId, entry);
    show(entry);
    if (entry.from === me && entry.status === 'read') {
      readUpTo(entry);
    }
  }

  // statuses never go backwards: sending, sent, retrying or failed (the later report wins), then delivered,
  // received, read
  function better(current, next) {
    if (!current || !(next in RANK) || RANK[next] >= RANK[current]) {
      return next in RANK ? next : current;
    }
    return current;
  }

  function delivery(frame) {
    const status = OUTCOMES[frame.status];
    const entry = state.byKey.get(frame.messageId);
    if (!status) {
      return;
    }
    if (!entry) {
      state.earlyStatus.set(frame.messageId, better(state.earlyStatus.get(frame.messageId), status));
      return;
    }
    const before = entry.status;
    entry.status = better(entry.status, status);
    if (entry.status !== before || status === 'failed') {
      entry.error = entry.status === 'failed' ? frame.content : null;
      show(entry);
    }
    if (entry.status === 'read') {
      readUpTo(entry);
    }
  }

  // A displayed marker covers the earlier messages too (XEP-0333), as history shows it: each of mine above
  // the one read is read.
  function readUpTo(read) {
    for (const li of $('messages').children) {
      if (li === read.el) {
        break;
      }
      const entry = li.classList.contains('mine') && state.byKey.get(li.dataset.messageId);
      if (entry && entry.status !== 'read') {
        entry.status = better(entry.status, 'read');
        entry.error = null;
        show(entry);
      }
    }
  }

  // this page's own message, taken by the service: drawn on send, now known by its messageId (the service
  // sends the sending page this instead of the message itself)
  function sent(frame) {
    const entry = frame.clientMessageId && state.byKey.get(`client:${frame.clientMessageId}`);
    if (entry && inThisConversation(frame.from, frame.to)) {
      known({
        messageId: frame.messageId, clientMessageId: frame.clientMessageId, from: frame.from, to: frame.to,
        content: entry.content, at: Date.parse(frame.at),
      });
    }
  }

  function history(frame) {
    if (frame.status === 'UNAVAILABLE') {
      historyNotice(`Earlier messages are unavailable right now: ${frame.content}. New messages still arrive.`);
      return;
    }
    historyNotice(null);
    for (const m of frame.messages || []) {
      known({
        messageId: m.messageId, clientMessageId: m.clientMessageId, from: m.fromId, to: m.toId,
        content: m.message, at: Date.parse(m.acceptedAt), status: HISTORY_STATES[m.status] || 'sent',
      });
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // the connection
  // ---------------------------------------------------------------------------------------------------
  function send(frame) {
    if (state.socket && state.socket.readyState === WebSocket.OPEN && state.joined) {
      state.socket.send(JSON.stringify(frame));
    }
  }

  function messageFrame(entry) {
    return {
      messageType: 'NEW_MESSAGE', from: me, to: peer, content: entry.content, clientMessageId: entry.clientMessageId,
    };
  }

  async function login(password) {
    const response = await fetch('/api/v1/sessions', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ username: me, password }),
    });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.detail || `login failed (${response.status})`);
      error.status = response.status;
      throw error;
    }
    return body;
  }

  function connect(session) {
    me = session.username;
    const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
    const socket = new WebSocket(`${scheme}://${location.host}${session.webSocket}`);
    state.socket = socket;
    state.joined = false;
    socket.onmessage = (event) => {
      let frame;
      try {
        frame = JSON.parse(event.data);
      } catch (e) {
        return;
      }
      onFrame(frame);
    };
    socket.onclose = () => {
      if (state.socket === socket) {
        lost();
      }
    };
  }

  function onFrame(frame) {
    switch (frame.messageType) {
      case 'JOIN_SUCCESS':
        joined();
        break;
      case 'PRESENCE':
        if (frame.from === peer) {
          setPresence(frame.content === 'online');
        }
        break;
      case 'NEW_MESSAGE':
        if (inThisConversation(frame.from, frame.to)) {
          known({
            messageId: frame.messageId, clientMessageId: frame.clientMessageId, from: frame.from, to: frame.to,
            content: frame.content, at: Date.parse(frame.at),
          });
        }
        break;
      case 'DELIVERY_STATUS':
        if (frame.status === 'SENT') {
          sent(frame);
        } else {
          delivery(frame);
        }
        break;
      case 'HISTORY':
        if (frame.to === peer) {
          history(frame);
        }
        break;
      case 'ERROR':
        failed(frame);
        break;
      case 'FORBIDDEN':
        state.loggedIn = false;
        showLogin(frame.content || 'Not allowed in: log in again.');
        break;
      default:
        break;
    }
  }

  function joined() {
    state.joined = true;
    state.retryDelay = 1000;
    if (state.everConnected) {
      notice('Connected again.', 'ok', 4000);
    } else {
      $('notice').hidden = true;
    }
    state.everConnected = true;
    $('login').hidden = true;
    $('composer').hidden = false;
    if (peer !== me) {
      state.socket.send(JSON.stringify({ messageType: 'ADD_CONTACT', to: peer }));
    }
    state.socket.send(JSON.stringify({ messageType: 'GET_HISTORY', to: peer }));
    // what was written while disconnected, or sent without an answer before the drop: sent (again); the
    // client message id makes a second send of the same message harmless
    for (const [key, entry] of state.byKey) {
      if (key.startsWith('client:') && !entry.messageId && entry.status === 'sending') {
        send(messageFrame(entry));
      }
    }
  }

  function failed(frame) {
    const entry = frame.clientMessageId && state.byKey.get(`client:${frame.clientMessageId}`);
    if (entry && !entry.messageId) {
      entry.status = 'failed';
      entry.error = frame.content;
      show(entry);
    } else {
      notice(frame.content || 'Something went wrong.', 'bad', 8000);
    }
  }

  function lost() {
    state.joined = false;
    if (!state.loggedIn) {
      return;
    }
    notice('Connection lost. Reconnecting…', 'warn');
    setTimeout(reconnect, state.retryDelay);
    state.retryDelay = Math.min(state.retryDelay * 2, 15000);
  }

  async function reconnect() {
    try {
      connect(await login(state.password));
    } catch (e) {
      if (e.status === 403) {
        state.loggedIn = false;
        showLogin(e.message);
      } else {
        lost();
      }
    }
  }

  function showLogin(error) {
    $('login').hidden = false;
    $('composer').hidden = true;
    $('login-button').disabled = false;
    $('login-error').textContent = error || '';
    $('login-error').hidden = !error;
  }

  // ---------------------------------------------------------------------------------------------------
  // the forms
  // ---------------------------------------------------------------------------------------------------
  $('login').addEventListener('submit', async (event) => {
    event.preventDefault();
    const password = $('password').value;
    $('login-button').disabled = true;
    $('login-error').hidden = true;
    try {
      const session = await login(password);
      state.password = password;       // kept in this page only, to log in again after a lost connection
      state.loggedIn = true;
      $('password').value = '';
      connect(session);
    } catch (e) {
      showLogin(e.message);
    }
  });

  function newClientMessageId() {
    if (crypto.randomUUID) {
      return crypto.randomUUID();
    }
    const bytes = crypto.getRandomValues(new Uint8Array(16));
    return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('');
  }

  function submit() {
    const text = $('text').value;
    if (!text.trim()) {
      return;
    }
    const clientMessageId = newClientMessageId();
    const entry = { from: me, to: peer, content: text, status: 'sending', clientMessageId };
    state.byKey.set(`client:${clientMessageId}`, entry);
    show(entry);
    $('text').value = '';
    send(messageFrame(entry));
  }

  $('composer').addEventListener('submit', (event) => {
    event.preventDefault();
    submit();
  });
  $('text').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey) {
      event.preventDefault();
      submit();
    }
  });

  if (!me || !peer) {
    showLogin('The address must be /chat/{your user id}/{the other user id}.');
    $('login-button').disabled = true;
  }

  // for tests and the curious: the page's live socket
  window.chatPage = { get socket() { return state.socket; } };
})();
