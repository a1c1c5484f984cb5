/** Hands bytes to the browser as a file download. */
export function downloadFile(name: string, type: string, data: Uint8Array | string): void {
	// A Uint8Array over a plain ArrayBuffer is a valid BlobPart; TS types it more narrowly.
	const url = URL.createObjectURL(new Blob([data as BlobPart], { type }));
	const link = document.createElement('a');
	link.href = url;
	link.download = name;
	link.click();
	// The click has started the download; the URL is not needed after this turn.
	setTimeout(() => URL.revokeObjectURL(url), 0);
}
