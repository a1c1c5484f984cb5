import type { ViewDb } from '$lib/replica/view-db';

/** The key of the capture box's draft in the device database's drafts table. */
export const CAPTURE_DRAFT = 'capture';

export async function readCaptureDraft(view: ViewDb): Promise<string | undefined> {
	return (await view.drafts.get(CAPTURE_DRAFT))?.text;
}

/** Keeps the text; an empty one clears the draft. */
export async function writeCaptureDraft(view: ViewDb, text: string): Promise<void> {
	if (text) await view.drafts.put({ key: CAPTURE_DRAFT, text });
	else await view.drafts.delete(CAPTURE_DRAFT);
}
