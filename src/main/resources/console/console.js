// The operator console: plain DOM and fetch, no framework. Every value from the server goes in
// through textContent or an attribute, never as HTML.
'use strict';
const $ = id => document.getElementById(id);
let lastUploads = null;
let lastAt = 0;
let timer = null;

async function api(method, path, body) {
  const init = { method, credentials: 'same-origin', headers: {} };
  if (method !== 'GET') init.headers['X-Console'] = '1';
  if (body !== undefined) {
    init.headers['Content-Type'] = 'application/json';
    init.body = JSON.stringify(body);
  }
  const response = await fetch('/console/api/' + path, init);
  const json = await response.json().catch(() => ({}));
  if (response.status === 401 && path !== 'login') {
    show(false);
    throw new Error('log in first');
  }
  if (!response.ok) throw new Error(json.error || ('HTTP ' + response.status));
  return json;
}

function show(loggedIn) {
  $('login-view').hidden = loggedIn;
  $('console-view').hidden = !loggedIn;
  $('logout').hidden = !loggedIn;
  if (timer) clearInterval(timer);
  timer = loggedIn ? setInterval(() => overview().catch(fail), 5000) : null;
}

function fail(e) {
  $('console-error').textContent = e.message;
}

function el(tag, text, attrs) {
  const node = document.createElement(tag);
  if (text !== undefined && text !== null) node.textContent = String(text);
  Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
  return node;
}

function button(text, testId, action) {
  const b = el('button', text, { 'data-testid': testId });
  b.addEventListener('click', () => action().catch(fail));
  return b;
}

function bytes(n) {
  if (n < 1024) return n + ' B';
  const units = ['KiB', 'MiB', 'GiB', 'TiB'];
  let i = -1;
  do { n /= 1024; i++; } while (n >= 1024 && i < units.length - 1);
  return n.toFixed(1) + ' ' + units[i];
}

function when(ms) {
  return new Date(ms).toISOString().replace('T', ' ').slice(0, 19);
}

async function overview() {
  const o = await api('GET', 'overview');
  $('node').textContent = o.node;
  const now = Date.now();
  if (lastUploads !== null && now > lastAt) {
    $('uploads-rate').textContent = ((o.uploads.total - lastUploads) * 1000 / (now - lastAt)).toFixed(1);
  }
  lastUploads = o.uploads.total;
  lastAt = now;
  $('uploads-total').textContent = o.uploads.total;
  $('uploads-errors').textContent = o.uploads.errors;
  $('in-flight').textContent = o.inFlight;
  const store = s => o.stores[s] ? o.stores[s].files + ' files, ' + bytes(o.stores[s].bytes) : '–';
  $('store-durable').textContent = store('durable');
  $('store-cache').textContent = store('cache');
  const health = $('health');
  health.replaceChildren(...Object.entries(o.health).map(([engine, state]) =>
    el('li', engine + ' ' + state, { class: state === 'UP' ? 'up' : 'down', 'data-testid': 'health-' + engine })));
}

async function keys() {
  const listed = (await api('GET', 'keys')).keys;
  $('key-rows').replaceChildren(...listed.map(k => {
    const row = el('tr', null, { 'data-app-key': k.appKey, class: k.enabled ? '' : 'disabled' });
    row.append(el('td', k.appKey), el('td', k.name), el('td', k.enabled ? 'enabled' : 'disabled', { 'data-testid': 'state' }),
      el('td', when(k.createdMs)));
    const actions = el('td');
    actions.append(k.enabled
      ? button('Disable', 'disable', async () => { await api('POST', 'keys/' + k.appKey + '/disable'); await keys(); })
      : button('Enable', 'enable', async () => { await api('POST', 'keys/' + k.appKey + '/enable'); await keys(); }),
      button('Rotate secret', 'rotate', async () => {
        if (!confirm('Give ' + k.appKey + ' a new secret? The old one stays valid for the rotation overlap.')) return;
        const rotated = await api('POST', 'keys/' + k.appKey + '/rotate');
        secret(rotated.appKey, rotated.secret);
      }));
    row.append(actions);
    return row;
  }));
}

function secret(appKey, value) {
  $('secret-key').textContent = appKey;
  $('secret-value').textContent = value;
  $('secret-box').hidden = false;
}

async function files() {
  const q = $('search').value.trim();
  const query = /^[0-9a-fA-F]{32}$/.test(q) ? 'fileId=' + q : /^\d{1,10}$/.test(q) ? 'appKey=' + q : '';
  if (q && !query) throw new Error('search by a file id (32 hexadecimal digits) or an app key (digits)');
  const found = (await api('GET', 'files' + (query ? '?' + query : ''))).files;
  $('file-rows').replaceChildren(...found.map(f => {
    const row = el('tr', null, { 'data-file-id': f.fileId });
    const thumb = el('td', null, { class: 'thumb' });
    if (f.thumbnail) thumb.append(el('img', null, { src: f.thumbnail, alt: 'thumbnail of ' + f.fileId, loading: 'lazy' }));
    const link = el('a', f.fileId, { href: f.url, target: '_blank', rel: 'noopener' });
    const id = el('td');
    id.append(link);
    row.append(thumb, id, el('td', f.appKey), el('td', bytes(f.size)), el('td', f.store), el('td', when(f.createdMs)));
    const actions = el('td');
    actions.append(button('Delete', 'delete', async () => {
      if (!confirm('Delete ' + f.fileId + ' for good?')) return;
      await api('DELETE', 'files/' + f.fileId);
      await files();
    }));
    row.append(actions);
    return row;
  }));
}

async function refresh() {
  $('console-error').textContent = '';
  await Promise.all([overview(), keys(), files()]);
}

$('login-form').addEventListener('submit', async e => {
  e.preventDefault();
  $('login-error').textContent = '';
  try {
    await api('POST', 'login', { password: $('password').value });
    $('password').value = '';
    show(true);
    await refresh();
  } catch (err) {
    $('login-error').textContent = err.message;
  }
});

$('logout').addEventListener('click', () => api('POST', 'logout').then(() => show(false)).catch(fail));

$('create-key-form').addEventListener('submit', async e => {
  e.preventDefault();
  try {
    const created = await api('POST', 'keys', { name: $('key-name').value });
    $('key-name').value = '';
    secret(created.appKey, created.secret);
    await keys();
  } catch (err) {
    fail(err);
  }
});

$('secret-done').addEventListener('click', () => {
  $('secret-box').hidden = true;
  $('secret-value').textContent = '';
});

$('search-form').addEventListener('submit', e => {
  e.preventDefault();
  Promise.all([files(), overview()]).catch(fail);
});

// Already logged in (a session cookie)? Then straight to the console.
api('GET', 'overview').then(() => { show(true); return refresh(); }).catch(() => show(false));
