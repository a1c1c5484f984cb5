import { HocuspocusProvider } from '@hocuspocus/provider';

/**
 * A provider whose "no unsynced changes" means the relay has every local change on disk.
 *
 * Hocuspocus counts one pending ack per message it sends and, when a socket (re)opens, resets the
 * count to 1 for the sync step 2 it will answer the relay's step 1 with. A change made while the
 * socket is down or still authenticating goes out as a message of its own (queued, or sent before
 * the token), and the relay acks it before it answers the handshake; that ack spends the reset's
 * count, so the stock provider reports settled while the step 2 carrying every change the relay
 * lacks is still on its way. Such changes are held back here instead: the handshake's step 2
 * carries them, and its ack is the one the reset counts.
 */
export class AckedProvider extends HocuspocusProvider {
	override documentUpdateHandler(update: Uint8Array, origin: unknown): void {
		if (!this.isAuthenticated) return;
		super.documentUpdateHandler(update, origin);
	}
}
