import { createHash } from 'node:crypto';

/**
 * 群众评议的投票页: the page a slip's QR code opens (`VANGUARD_VOTE_URL`, ADR 0146). The code and
 * the window travel in the address's fragment, which no server and no Referer ever sees; the
 * script reads them, takes them out of the address bar and the page's history entry (the
 * browser's own history and a scanner app's may still keep the link: a code is safe once used),
 * and posts the ballot to the public endpoint beside it. The page names nobody and asks for nothing but a rating and an optional comment.
 */

const STYLE = `
body{font-family:system-ui,"PingFang SC","Microsoft YaHei",sans-serif;max-width:32rem;margin:0 auto;padding:1rem;line-height:1.6;color:#222}
h1{font-size:1.4rem;color:#b71c1c}fieldset{border:1px solid #ccc;border-radius:.4rem;margin:0 0 1rem}
label{display:block;margin:.3rem 0}input[type=text],textarea{width:100%;box-sizing:border-box;font-size:1rem;padding:.4rem}
button{font-size:1.1rem;padding:.5rem 1.5rem;background:#b71c1c;color:#fff;border:0;border-radius:.4rem}
button:disabled{background:#999}#status{font-weight:bold;min-height:1.6em}`;

// Relative to the page, so a gateway that serves it under a prefix reaches the API under the same one.
const SCRIPT = `
(function () {
  'use strict';
  var form = document.getElementById('ballot');
  var status = document.getElementById('status');
  var button = document.getElementById('submit');
  var say = function (text) { status.textContent = text; };
  var params = new URLSearchParams(location.hash.slice(1));
  var windowId = params.get('w') || '';
  if (params.get('c')) form.elements.code.value = params.get('c');
  if (location.hash) history.replaceState(null, '', location.pathname + location.search);
  if (!/^[0-9a-f-]{36}$/i.test(windowId)) {
    say('链接不完整：请扫描评议票上的二维码打开本页。');
    button.disabled = true;
    return;
  }
  var refusal = function (res, body) {
    if (res.status === 403) return '投票码无效或已使用，或本次评议不在投票期内。';
    if (res.status === 429) return '提交过于频繁，请' + (res.headers.get('Retry-After') || '稍后') + '秒后再试。';
    if (res.status === 400 && body && body.errors && body.errors.length) {
      return '请检查填写内容：' + body.errors.map(function (e) { return e.reason; }).join('；');
    }
    return '暂时无法提交（' + res.status + '），请稍后再试。';
  };
  form.addEventListener('submit', function (event) {
    event.preventDefault();
    var rating = form.elements.rating.value;
    if (!rating) { say('请选择满意、基本满意或不满意。'); return Promise.resolve(); }
    var ballot = { code: form.elements.code.value.trim(), rating: rating };
    var comment = form.elements.comment.value.trim();
    if (comment) ballot.comment = comment;
    button.disabled = true;
    say('正在提交……');
    return fetch('mass-evaluations/' + encodeURIComponent(windowId) + '/ballots', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify(ballot),
    }).then(function (res) {
      if (res.status === 201) {
        form.elements.code.value = '';
        say('已计入，感谢您的评议。本页不记录您是谁。');
        return;
      }
      return res.json().catch(function () { return null; }).then(function (body) {
        say(refusal(res, body));
        button.disabled = false;
      });
    }, function () {
      say('网络不通，请稍后再试。');
      button.disabled = false;
    });
  });
})();`;

const escapeHtml = (s: string): string => s.replace(/[&<>"]/g, (c) => `&#${c.charCodeAt(0)};`);

const RATING_LABELS: readonly (readonly [string, string])[] = [
  ['satisfied', '满意'],
  ['basically_satisfied', '基本满意'],
  ['dissatisfied', '不满意'],
];

/** At most what the ballot endpoint takes (the server checks again; this only spares a round trip). */
const COMMENT_MAX_CHARS = 500;

const HTML = `<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width,initial-scale=1">
<meta name="referrer" content="no-referrer">
<title>群众评议投票</title><style>${STYLE}</style></head>
<body><h1>群众评议投票</h1>
<p>请根据您的了解如实评议。投票匿名：本页只提交评议票上的投票码、评价和意见，不记录您的姓名或联系方式；每个投票码只能使用一次。</p>
<form id="ballot" autocomplete="off">
<label>投票码<input type="text" name="code" maxlength="40" required spellcheck="false" autocapitalize="characters"></label>
<fieldset><legend>您的评价</legend>
${RATING_LABELS.map(([value, label]) => `<label><input type="radio" name="rating" value="${escapeHtml(value)}"> ${label}</label>`).join('\n')}
</fieldset>
<label>意见建议（可不填，最多${COMMENT_MAX_CHARS}字）<textarea name="comment" rows="4" maxlength="${COMMENT_MAX_CHARS}"></textarea></label>
<p><button id="submit" type="submit">提交评议</button></p>
<p id="status" role="status" aria-live="polite"></p>
</form>
<noscript><p>请启用浏览器的 JavaScript 后再投票。</p></noscript>
<script>${SCRIPT}</script>
</body></html>`;

const sha256 = (s: string): string => `'sha256-${createHash('sha256').update(s, 'utf8').digest('base64')}'`;

/** The page and the headers it is served with; the policy admits its own inline script and style and nothing else. */
export const VOTE_PAGE = {
  html: HTML,
  headers: {
    'Content-Type': 'text/html; charset=utf-8',
    'Content-Security-Policy': [
      "default-src 'none'",
      `script-src ${sha256(SCRIPT)}`,
      `style-src ${sha256(STYLE)}`,
      "connect-src 'self'",
      "form-action 'none'",
      "frame-ancestors 'none'",
      "base-uri 'none'",
    ].join('; '),
    'X-Content-Type-Options': 'nosniff',
    'Referrer-Policy': 'no-referrer',
    'Cache-Control': 'no-cache',
  },
} as const;
