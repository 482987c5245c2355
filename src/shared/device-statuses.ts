/**
 * A device's statuses, here rather than in the devices module so that modules the devices
 * module reads (collections) can filter on them without an import cycle.
 */
export const DEVICE_STATUSES = ['collected', 'shipped', 'ready', 'reserved', 'installed', 'returned', 'scrapped'] as const;
export type DeviceStatus = (typeof DEVICE_STATUSES)[number];
