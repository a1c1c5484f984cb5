import { createContext } from 'svelte';
import type { Replica } from '$lib/replica/replica';

/** Screens get the open replica from context; the layout provides it once it is open. */
export const [getReplica, setReplica] = createContext<Replica>();
