/** Saves a blob under a file name (the browser's download), then lets the object URL go. */
export function saveBlob(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = fileName;
  a.rel = 'noopener';
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

/**
 * A window opened now, while the click still counts as the user's (else pop-up blockers refuse it),
 * filled when the document has been fetched with the token: null when the browser blocked it.
 */
export function openPendingWindow(): { show(blob: Blob): void; close(): void } | null {
  const win = window.open('', '_blank');
  if (!win) return null;
  return {
    show(blob) {
      const url = URL.createObjectURL(blob);
      win.location.href = url;
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    },
    close: () => win.close(),
  };
}
