'use client';
// A plan as a shell script, with a download (linkscape-plan.sh) and a copy button (clipboard API where the page is a secure context,
// else a selection copy, since non-loopback http pages have no navigator.clipboard).
import { useRef, useState } from 'react';

export function ShellScript({ text }: { text: string }) {
  const pre = useRef<HTMLPreElement>(null);
  const [copied, setCopied] = useState<string | null>(null);

  const copy = async () => {
    try {
      if (navigator.clipboard && window.isSecureContext) await navigator.clipboard.writeText(text);
      else {
        const range = document.createRange();
        range.selectNodeContents(pre.current!);
        const sel = window.getSelection()!;
        sel.removeAllRanges();
        sel.addRange(range);
        if (!document.execCommand('copy')) throw new Error('the browser refused to copy; the script is selected');
      }
      setCopied('copied');
    } catch (e) {
      setCopied(e instanceof Error ? e.message : String(e));
    }
    setTimeout(() => setCopied(null), 2500);
  };

  const download = () => {
    const a = document.createElement('a');
    a.href = URL.createObjectURL(new Blob([text], { type: 'text/x-shellscript' }));
    a.download = 'linkscape-plan.sh';
    a.click();
    setTimeout(() => URL.revokeObjectURL(a.href), 0);
  };

  return (
    <div className="ed-script">
      <div className="ed-script-head">
        <span>as a shell script</span>
        <button
          type="button"
          className="btn small"
          data-testid="download-script"
          onClick={download}
          title="save the plan as a shell script"
        >
          download
        </button>
        <button type="button" className="btn small" data-testid="copy-script" onClick={() => void copy()}>
          copy
        </button>
        {copied && (
          <span className="muted" data-testid="copy-state">
            {copied}
          </span>
        )}
      </div>
      <pre ref={pre} data-testid="plan-script">
        {text}
      </pre>
    </div>
  );
}
