import * as ort from 'onnxruntime-node';
import { ModelCheckError } from '../../sync/ai/model-check';
import { runOnnxProbe, type OnnxRuntime, type ProbeRequest } from '../../sync/ai/onnx-probe';
import type { ProbeReply } from './model-probe';

// One probe per process: onnxruntime-node runs a session synchronously, so only ending the
// process stops a model that runs too long (ending a worker thread inside a run aborts the
// whole server with an uncaught Napi::Error).

const runtime: OnnxRuntime = {
	InferenceSession: {
		create: (model) =>
			ort.InferenceSession.create(model, {
				executionProviders: ['cpu'],
				intraOpNumThreads: 1,
				interOpNumThreads: 1,
				// What is wrong with an uploaded graph goes back to the uploader, not into the log.
				logSeverityLevel: 4
			})
	},
	Tensor: ort.Tensor
};

async function probe(request: ProbeRequest): Promise<ProbeReply> {
	try {
		return { type: 'done', result: await runOnnxProbe(runtime, request) };
	} catch (error) {
		const message = error instanceof Error ? error.message : String(error);
		return {
			type: 'failed',
			check: error instanceof ModelCheckError ? error.check : 'probe',
			message
		};
	}
}

process.once('message', (request: ProbeRequest) => {
	void probe(request).then((reply) => process.send!(reply, () => process.exit(0)));
});
