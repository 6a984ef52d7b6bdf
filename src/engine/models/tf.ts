/**
 * TensorFlow.js as the engine uses it. PROD mode drops tfjs's debug checks and its console banner
 * ("install tfjs-node"), which would otherwise land in the CLI's and the app's output; backend choice
 * and the optional native packages are handled in backends/.
 */
import * as tf from '@tensorflow/tfjs';

tf.env().set('PROD', true);

export { tf };
