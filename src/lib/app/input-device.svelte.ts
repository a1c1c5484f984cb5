import { MediaQuery } from 'svelte/reactivity';
import type { InputDevice } from './input-hints';

// A coarse main pointer: a phone or tablet used by touch, whatever its screen size. Not
// `(hover: none)` alone: headless and some kiosk browsers report no hover with a keyboard.
const touch = new MediaQuery('(pointer: coarse)', false);
const isMac = typeof navigator !== 'undefined' && /Macintosh|Mac OS X/.test(navigator.userAgent);

/** The input device, live: plugging a mouse into a tablet changes the hints. */
export const inputDevice: InputDevice = {
	get isTouch() {
		return touch.current;
	},
	isMac
};
