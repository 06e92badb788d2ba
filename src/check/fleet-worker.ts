/** A worker thread of `pcx check` fleet mode: checks proxy after proxy of the pool's list (fleet-one.ts, fleet/serve.ts). */
import { serveTasks } from '../fleet/serve.js';
import { checkOne } from './fleet-one.js';

serveTasks(checkOne);
