/** A worker thread of `pcx explain --all-pods`: explains the request from proxy after proxy of the pool's list (all-pods.ts, fleet/serve.ts). */
import { serveTasks } from '../fleet/serve.js';
import { explainOne } from './all-pods.js';

serveTasks(explainOne);
