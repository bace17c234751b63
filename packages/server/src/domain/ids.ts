import { v7 } from 'uuid';

/** New entity id: UUIDv7, so ids sort by creation time (and index well). */
export const newId = (): string => v7();
