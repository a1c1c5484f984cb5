import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

// `npm start` on a fresh clone builds first; later starts reuse the build.
if (!existsSync('build/handler.js') || !existsSync('dist/server/main.js')) {
	console.log('No production build yet: building (about a minute)…');
	const result = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
	if (result.status !== 0) process.exit(result.status ?? 1);
}
await import('../dist/server/main.js');
