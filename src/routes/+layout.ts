// The app renders in the browser from IndexedDB: the server has nothing to add to its pages.
export const ssr = false;
export const prerender = false;
