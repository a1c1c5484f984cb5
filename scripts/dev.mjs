import { spawn } from 'node:child_process';

// Development: the API and relay (TypeScript through tsx, restarted on change) beside the Vite
// dev server, which proxies /api and /sync to it. Offline behaviour needs `npm start` instead.
const apiPort = process.env.DEV_API_PORT ?? '3001';
const env = { ...process.env, DEV_API_PORT: apiPort };
const children = [
	spawn('npx', ['tsx', 'watch', 'server/main.ts'], {
		stdio: 'inherit',
		env: { ...env, PORT: apiPort, BUILD_DIR: '.dev-no-build' }
	}),
	spawn('npx', ['vite', 'dev', ...process.argv.slice(2)], { stdio: 'inherit', env })
];
const stop = () => children.forEach((child) => child.kill('SIGTERM'));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
for (const child of children) child.on('exit', (code) => code && stop());
