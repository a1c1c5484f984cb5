import { api } from '$lib/app/api';
import { handleError } from '$lib/app/handle-error';
import type { Device } from '$sync/protocol/api';

/** The account's signed-in devices, with renaming and remote sign-out. */
export class Devices {
	list = $state.raw<Device[]>([]);
	isLoaded = $state(false);

	async load(): Promise<void> {
		try {
			this.list = (await api<{ devices: Device[] }>('/api/devices')).devices;
			this.isLoaded = true;
		} catch (error) {
			handleError(error, 'Could not list your devices');
		}
	}

	/** Renames a device; true once the server took the name. */
	async rename(device: Device, name: string): Promise<boolean> {
		try {
			await api(`/api/devices/${device.id}`, { method: 'PATCH', body: { name } });
			this.list = this.list.map((d) => (d.id === device.id ? { ...d, name: name.trim() } : d));
			return true;
		} catch (error) {
			handleError(error, `Could not rename ${device.name}`);
			return false;
		}
	}

	async revoke(device: Device): Promise<void> {
		try {
			await api(`/api/devices/${device.id}`, { method: 'DELETE' });
			this.list = this.list.filter((d) => d.id !== device.id);
		} catch (error) {
			handleError(error, `Could not sign out ${device.name}`);
		}
	}
}
