export * from './errors.ts';
export * from './limits.ts';
export * from './schemas/common.ts';
export * from './schemas/auth.ts';
export * from './schemas/users.ts';
export * from './schemas/rooms.ts';
export * from './schemas/messages.ts';
export * from './schemas/ws.ts';
