/**
 * A device's statuses, here rather than in the devices module so that modules the devices
 * module reads (collections) can filter on them without an import cycle. The list itself is
 * one of the enum lists of `enums.ts`, which the database types and CHECK constraints share.
 */
export { DEVICE_STATUSES, type DeviceStatus } from './enums.js';
