import { serve, startFailed } from './serve.ts';

/** `npm start`: the server with the configuration of the environment (and ROOMS_CONFIG). */
serve().catch(startFailed);
