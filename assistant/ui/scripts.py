"""Scripts run in the browser (no server round trip, nothing stored): scroll to a new answer, copy
it, save it as a standalone page, and the raw <head> (page language, citation links, paste notice,
rules outside the app's root)."""

LAST_ANSWER = "[...document.querySelectorAll('#chat .answer')].pop()"
SCROLL_TO_ANSWER = f"""() => {{
  const answer = {LAST_ANSWER};
  const bubble = answer && (answer.closest('[data-testid=bot]') || answer);
  if (bubble) bubble.scrollIntoView({{block: 'start'}});
}}"""
COPY_ANSWER = f"""() => {{
  const answer = {LAST_ANSWER};
  if (!answer) return;
  answer.querySelectorAll('details').forEach(d => d.open = true);
  const text = answer.innerText;
  const done = () => {{ const b = document.querySelector('#copy-answer');
    if (b) {{ b.textContent = 'Copied'; setTimeout(() => b.textContent = 'Copy answer', 2500); }} }};
  if (navigator.clipboard && window.isSecureContext) {{
    navigator.clipboard.writeText(text).then(done);
  }} else {{  // plain http from another computer: the older way still copies
    const area = document.createElement('textarea');
    area.value = text; document.body.appendChild(area); area.select();
    document.execCommand('copy'); area.remove(); done();
  }}
}}"""
# A standalone page: the question, the answer, its sources and the date, readable without the app
# and clean to print. Built from the answer as shown, in the browser: nothing is sent or stored.
SAVE_ANSWER = f"""() => {{
  const answer = {LAST_ANSWER};
  if (!answer) return;
  const copy = answer.cloneNode(true);
  copy.querySelectorAll('details').forEach(d => d.open = true);
  copy.querySelectorAll('.sr-only').forEach(e => e.remove());
  const today = new Date().toISOString().slice(0, 10);
  const footer = document.querySelector('.site-footer');
  const style = 'body{{font:16px/1.5 system-ui,sans-serif;max-width:46rem;margin:2rem auto;'
    + 'padding:0 1rem;color:#111;background:#fff}}a{{color:#0b4fb3}}'
    + '.asked-q{{font-weight:700;font-size:1.1rem}}.src{{margin:0 0 .6rem}}'
    + 'blockquote{{border-left:3px solid #888;margin:.2rem 0;padding-left:.6rem}}'
    + '.claim-card,.urgent,.abstain,.sources{{border:1px solid #999;border-radius:8px;'
    + 'padding:.5rem .8rem;margin:.6rem 0}}summary{{font-weight:600}}';
  const html = '<!doctype html><html lang="en"><head><meta charset="utf-8">'
    + '<title>Answer from the MS Stem-Cell Evidence Assistant, ' + today + '</title>'
    + '<style>' + style + '</style></head><body>'
    + '<h1>MS Stem-Cell Evidence Assistant</h1><p>Saved on ' + today
    + '. General information, not medical advice: please discuss it with your MS team.</p>'
    + copy.outerHTML + '<p>' + (footer ? footer.textContent : '') + '</p></body></html>';
  const link = document.createElement('a');
  link.href = URL.createObjectURL(new Blob([html], {{type: 'text/html'}}));
  link.download = 'ms-stem-cell-answer-' + today + '.html';
  document.body.appendChild(link); link.click(); link.remove();
}}"""
# Raw head: sets the page language for screen readers (Gradio has no other hook for <html lang>);
# opens a source's entry when its citation number is followed; says what a paste lost when it is
# longer than the box holds (the browser cuts at maxlength without a word); and holds the rules
# for elements outside the app's root, which Gradio's `css=` cannot reach (it prefixes every
# rule in a media query with the root's class).
HEAD = """<script>
document.documentElement.lang = 'en';
document.addEventListener('click', (e) => {
  const link = e.target.closest && e.target.closest('a.cite');
  const entry = link && document.getElementById(link.hash.slice(1));
  if (entry && entry.closest('details')) entry.closest('details').open = true;
}, true);
document.addEventListener('paste', (e) => {
  const box = e.target;
  if (!box.closest || !box.closest('#question') || !(box.maxLength > 0)) return;
  const pasted = (e.clipboardData || window.clipboardData).getData('text');
  const room = box.maxLength - box.value.length + (box.selectionEnd - box.selectionStart);
  let notice = document.getElementById('cut-notice');
  if (pasted.length <= room) { if (notice) notice.remove(); return; }
  if (!notice) {
    notice = document.createElement('p');
    notice.id = 'cut-notice'; notice.className = 'cut-notice'; notice.setAttribute('role', 'alert');
    box.closest('#question').after(notice);
  }
  const lost = pasted.slice(Math.max(room, 0)).trim();
  const words = lost.split(/\\s+/);
  notice.textContent = 'The box holds ' + box.maxLength + ' characters, so the last '
    + lost.length + ' of what you pasted were left out (from “' + words.slice(0, 8).join(' ')
    + (words.length > 8 ? ' …' : '') + '”). Shorten it, or send the rest as a second message.';
}, true);
</script>
<style>
@media (max-width: 480px) { .gradio-container > .main
  { padding-left: 8px !important; padding-right: 8px !important; } }
#chat:not(:has([data-testid=bot])):not(:has([data-testid=user])) { display: none !important; }
.gradio-container:not(:has(#chat [data-testid=bot])) #answer-tools { display: none !important; }
#status:not(:has(.error-box)), #fb-status:not(:has(p)) { display: none !important; }
</style>"""
