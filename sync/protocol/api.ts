import * as v from 'valibot';
import { USERNAME } from '../ids';

/**
 * HTTP API shapes shared by the PWA and the server. Bodies are validated at the server edge with
 * these schemas; the PWA uses the same types for responses.
 */
export const MIN_PASSWORD = 8;
/** Long passphrases are welcome; the cap only bounds hashing work. */
export const MAX_PASSWORD = 1024;

export const CredentialsSchema = v.object(
	{
		username: v.pipe(
			v.string('Enter a username.'),
			v.trim(),
			v.toLowerCase(),
			v.regex(USERNAME, 'Use 3–32 letters, digits or underscores.')
		),
		password: v.pipe(
			v.string('Enter a password.'),
			v.minLength(MIN_PASSWORD, `Use at least ${MIN_PASSWORD} characters.`),
			v.maxLength(MAX_PASSWORD, `Use at most ${MAX_PASSWORD} characters.`)
		),
		deviceName: v.optional(
			v.pipe(v.string('Name the device with text.'), v.trim(), v.maxLength(80)),
			''
		)
	},
	'Send an object with username and password.'
);
export type Credentials = v.InferOutput<typeof CredentialsSchema>;

export const MAX_DEVICE_NAME = 80;
/** Renaming a device, so a person can tell two browsers apart in their list. */
export const DeviceRenameSchema = v.object(
	{
		name: v.pipe(
			v.string('Name the device with text.'),
			v.trim(),
			v.minLength(1, 'Give the device a name.'),
			v.maxLength(MAX_DEVICE_NAME, `Keep the name under ${MAX_DEVICE_NAME} characters.`),
			// eslint-disable-next-line no-control-regex
			v.regex(/^[^\u0000-\u001f\u007f]+$/, 'Use letters, digits, spaces and punctuation.')
		)
	},
	'Send an object with the new name.'
);

export interface SessionInfo {
	userId: string;
	username: string;
	sessionId: string;
}

export interface RelayToken {
	token: string;
	expiresAt: number;
}

export interface Device {
	id: string;
	name: string;
	createdAt: number;
	lastSeenAt: number;
	isCurrent: boolean;
}

export const ERROR_CODES = [
	'invalid_body',
	'invalid_credentials',
	'username_taken',
	'unauthenticated',
	'forbidden',
	'not_found',
	'method_not_allowed',
	'unsupported_media_type',
	'payload_too_large',
	'quota_exceeded',
	'unsupported',
	'invalid_model',
	'model_failed',
	'rate_limited',
	'busy',
	'internal'
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface ApiError {
	/** Some codes carry more: `quota_exceeded` from /api/ai has `quota` (a QuotaRefusal). */
	error: { code: ErrorCode; message: string } & Record<string, unknown>;
}
