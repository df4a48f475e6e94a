/*
    Copyright 2018 0KIMS association.

    This file is part of snarkJS.

    snarkJS is a free software: you can redistribute it and/or modify it
    under the terms of the GNU General Public License as published by
    the Free Software Foundation, either version 3 of the License, or
    (at your option) any later version.

    snarkJS is distributed in the hope that it will be useful, but WITHOUT
    ANY WARRANTY; without even the implied warranty of MERCHANTABILITY
    or FITNESS FOR A PARTICULAR PURPOSE. See the GNU General Public
    License for more details.

    You should have received a copy of the GNU General Public License
    along with snarkJS. If not, see <https://www.gnu.org/licenses/>.
*/

/*
 * zkinfer: snarkjs 0.7.6 src/zkey_contribute.js and src/zkey_beacon.js (`snarkjs zkey
 * contribute` ×n then `snarkjs zkey beacon`) fused into one pass, vendored under the GPL-3.0
 * like the rest of prover/. Each of those commands rewrites the whole key and multiplies
 * every point of its L (8) and H (9) sections by the inverse of its secret δ_i — one full
 * scalar multiplication per point per step, most of a step's time. Here every contribution
 * record (δ_i, proof of knowledge, transcript, deltaAfter) is computed exactly as the
 * sequential commands compute it, in the same order, from the same randomness, and the L
 * and H points are multiplied once by 1/(δ_1·…·δ_n·δ_beacon): the same group elements, and
 * since points are stored affine, the same bytes (tested byte for byte against the two
 * snarkjs commands, test/prover/snark/zkey-contribute-beacon.test.ts). Other changes: the
 * snarkjs-internal helpers it needs (zkey_utils.js header and MPC-params codecs, misc.js
 * getRandomRng / rngFromBeaconParams, keypair.js hashToG2, mpc_applykey.js
 * applyKeyToSection) are copied below, for groth16 on BN254 only, since the package does
 * not export them; an empty entropy or a bad beacon throws instead of asking on stdin or
 * returning false.
 */
import crypto from "node:crypto";
import * as binFileUtils from "@iden3/binfileutils";
import { Scalar, ChaCha, buildBn128 } from "ffjavascript";
import { blake2b } from "@noble/hashes/blake2.js";

const BN254_Q = Scalar.e("21888242871839275222246405745257275088696311157297823662689037894645226208583");

/**
 * @param {string} zkeyNameOld  key to contribute to (e.g. zkey new's output)
 * @param {string} zkeyNameNew  key to write
 * @param {{name?: string, entropy: string}[]} contributions  random contributions, in order (`zkey contribute` each)
 * @param {{name?: string, hash: string, numIterationsExp: number}} beacon  the final `zkey beacon`
 * @returns {Promise<Uint8Array[]>} the contribution hashes snarkjs would return, one per step
 */
export default async function contributeAndBeacon(zkeyNameOld, zkeyNameNew, contributions, beacon, logger) {
    if (!Array.isArray(contributions)) throw new TypeError("contributeAndBeacon: contributions must be an array");
    for (const [i, c] of contributions.entries()) {
        if (typeof c.entropy !== "string" || c.entropy.length === 0) throw new TypeError(`contributeAndBeacon: contribution ${i} has no entropy`);
    }
    const beaconHash = hex2ByteArray(beacon.hash);
    if (beaconHash.byteLength == 0 || beaconHash.byteLength*2 != beacon.hash.length) throw new RangeError(`contributeAndBeacon: beacon hash ${JSON.stringify(beacon.hash)} is not a hexadecimal byte string`);
    if (beaconHash.length >= 256) throw new RangeError(`contributeAndBeacon: beacon hash of ${beaconHash.length} bytes (at most 255)`);
    const numIterationsExp = parseInt(beacon.numIterationsExp);
    if (!(numIterationsExp >= 10 && numIterationsExp <= 63)) throw new RangeError(`contributeAndBeacon: numIterationsExp ${beacon.numIterationsExp} not in [10, 63]`);

    const {fd: fdOld, sections} = await binFileUtils.readBinFile(zkeyNameOld, "zkey", 2);
    const zkey = await readHeader(fdOld, sections);
    const curve = zkey.curve;
    const mpcParams = await readMPCParams(fdOld, curve, sections);

    const hashes = [];
    let prvKeyProduct = curve.Fr.one;
    // One step of snarkjs's contribute (type 0) or beacon (type 1), up to the point where
    // it would rewrite the sections: the same record, the same δ update.
    const step = (rng, fields) => {
        const transcriptHasher = blake2b.create({ dkLen: 64 });
        transcriptHasher.update(mpcParams.csHash);
        for (let i=0; i<mpcParams.contributions.length; i++) {
            hashPubKey(transcriptHasher, curve, mpcParams.contributions[i]);
        }

        const curContribution = {};
        curContribution.delta = {};
        curContribution.delta.prvKey = curve.Fr.fromRng(rng);
        curContribution.delta.g1_s = curve.G1.toAffine(curve.G1.fromRng(rng));
        curContribution.delta.g1_sx = curve.G1.toAffine(curve.G1.timesFr(curContribution.delta.g1_s, curContribution.delta.prvKey));
        hashG1(transcriptHasher, curve, curContribution.delta.g1_s);
        hashG1(transcriptHasher, curve, curContribution.delta.g1_sx);
        curContribution.transcript = transcriptHasher.digest();
        curContribution.delta.g2_sp = hashToG2(curve, curContribution.transcript);
        curContribution.delta.g2_spx = curve.G2.toAffine(curve.G2.timesFr(curContribution.delta.g2_sp, curContribution.delta.prvKey));

        // Affine, as the next sequential step would read them back from the file.
        zkey.vk_delta_1 = curve.G1.toAffine(curve.G1.timesFr(zkey.vk_delta_1, curContribution.delta.prvKey));
        zkey.vk_delta_2 = curve.G2.toAffine(curve.G2.timesFr(zkey.vk_delta_2, curContribution.delta.prvKey));

        curContribution.deltaAfter = zkey.vk_delta_1;
        Object.assign(curContribution, fields);
        prvKeyProduct = curve.Fr.mul(prvKeyProduct, curContribution.delta.prvKey);
        mpcParams.contributions.push(curContribution);

        const contributionHasher = blake2b.create({ dkLen: 64 });
        hashPubKey(contributionHasher, curve, curContribution);
        const contributionHash = contributionHasher.digest();
        if (logger) logger.info(formatHash(contributionHash, "Contribution Hash: "));
        hashes.push(contributionHash);
        // The secret is not needed any more (only the product, for the sections below).
        delete curContribution.delta.prvKey;
    };
    for (const c of contributions) {
        step(await getRandomRng(c.entropy), { type: 0, ...(c.name ? { name: c.name } : {}) });
    }
    step(await rngFromBeaconParams(beaconHash, numIterationsExp), { type: 1, numIterationsExp, beaconHash, ...(beacon.name ? { name: beacon.name } : {}) });

    const fdNew = await binFileUtils.createBinFile(zkeyNameNew, "zkey", 1, 10);
    await writeHeader(fdNew, zkey);
    // IC, Coeffs, A, B1, B2: unchanged by a contribution
    for (const id of [3, 4, 5, 6, 7]) await binFileUtils.copySection(fdOld, sections, fdNew, id);

    // The one pass this file exists for: L and H times 1/(δ_1·…·δ_beacon).
    const invDelta = curve.Fr.inv(prvKeyProduct);
    prvKeyProduct = curve.Fr.zero;
    await applyKeyToSection(fdOld, sections, fdNew, 8, curve, "G1", invDelta, curve.Fr.e(1), "L Section", logger);
    await applyKeyToSection(fdOld, sections, fdNew, 9, curve, "G1", invDelta, curve.Fr.e(1), "H Section", logger);

    await writeMPCParams(fdNew, curve, mpcParams);

    await fdOld.close();
    await fdNew.close();
    if (logger) logger.info(formatHash(mpcParams.csHash, "Circuit Hash: "));
    return hashes;
}

// snarkjs src/mpc_applykey.js
async function applyKeyToSection(fdOld, sections, fdNew, idSection, curve, groupName, first, inc, sectionName, logger) {
    const MAX_CHUNK_SIZE = 1 << 16;
    const G = curve[groupName];
    const sG = G.F.n8*2;
    const nPoints = sections[idSection][0].size / sG;

    await binFileUtils.startReadUniqueSection(fdOld, sections,idSection );
    await binFileUtils.startWriteSection(fdNew, idSection);

    let t = first;
    for (let i=0; i<nPoints; i += MAX_CHUNK_SIZE) {
        if (logger) logger.debug(`Applying key: ${sectionName}: ${i}/${nPoints}`);
        const n= Math.min(nPoints - i, MAX_CHUNK_SIZE);
        let buff;
        buff = await fdOld.read(n*sG);
        buff = await G.batchApplyKey(buff, t, inc);
        await fdNew.write(buff);
        t = curve.Fr.mul(t, curve.Fr.exp(inc, n));
    }

    await binFileUtils.endWriteSection(fdNew);
    await binFileUtils.endReadSection(fdOld);
}

// snarkjs src/misc.js
function getRandomBytes(n) {
    const array = new Uint8Array(n);
    crypto.randomFillSync(array);
    return array;
}

function readUInt32BE(data, offset) {
    return new DataView(data.buffer).getUint32(offset, false);
}

async function getRandomRng(entropy) {
    const hasher = blake2b.create({ dkLen: 64 });
    hasher.update(getRandomBytes(64));
    const enc = new TextEncoder(); // always utf-8
    hasher.update(enc.encode(entropy));
    const hash = hasher.digest();

    const seed = [];
    for (let i=0;i<8;i++) {
        seed[i] = readUInt32BE(hash, i*4);
    }
    return new ChaCha(seed);
}

async function rngFromBeaconParams(beaconHash, numIterationsExp) {
    let nIterationsInner;
    let nIterationsOuter;
    if (numIterationsExp<32) {
        nIterationsInner = (1 << numIterationsExp) >>> 0;
        nIterationsOuter = 1;
    } else {
        nIterationsInner = 0x100000000;
        nIterationsOuter = (1 << (numIterationsExp-32)) >>> 0;
    }

    let curHash = beaconHash;
    for (let i=0; i<nIterationsOuter; i++) {
        for (let j=0; j<nIterationsInner; j++) {
            curHash = crypto.createHash("sha256").update(curHash).digest();
        }
    }

    const curHashV = new DataView(curHash.buffer, curHash.byteOffset, curHash.byteLength);
    const seed = [];
    for (let i=0; i<8; i++) {
        seed[i] = curHashV.getUint32(i*4, false);
    }
    return new ChaCha(seed);
}

function hex2ByteArray(s) {
    if (typeof s !== "string") throw new TypeError(`contributeAndBeacon: beacon hash ${String(s)} is not a string`);
    if (s.slice(0,2) == "0x") s= s.slice(2);
    return new Uint8Array((s.match(/[\da-f]{2}/gi) ?? []).map(function (h) {
        return parseInt(h, 16);
    }));
}

function formatHash(b, title) {
    const a = new DataView(b.buffer, b.byteOffset, b.byteLength);
    let S = "";
    for (let i=0; i<4; i++) {
        if (i>0) S += "\n";
        S += "\t\t";
        for (let j=0; j<4; j++) {
            if (j>0) S += " ";
            S += a.getUint32(i*16+j*4).toString(16).padStart(8, "0");
        }
    }
    if (title) S = title + "\n" + S;
    return S;
}

// snarkjs src/keypair.js
function hashToG2(curve, hash) {
    const hashV = new DataView(hash.buffer, hash.byteOffset, hash.byteLength);
    const seed = [];
    for (let i=0; i<8; i++) {
        seed[i] = hashV.getUint32(i*4);
    }
    const rng = new ChaCha(seed);
    return curve.G2.fromRng(rng);
}

// snarkjs src/zkey_utils.js (groth16 on BN254 only)
async function readHeader(fd, sections) {
    await binFileUtils.startReadUniqueSection(fd, sections, 1);
    const protocolId = await fd.readULE32();
    await binFileUtils.endReadSection(fd);
    if (protocolId !== 1) throw new TypeError(`${fd.fileName}: zkey protocol ${protocolId} is not groth16 (1)`);

    const zkey = { protocol: "groth16" };
    await binFileUtils.startReadUniqueSection(fd, sections, 2);
    const n8q = await fd.readULE32();
    zkey.n8q = n8q;
    zkey.q = await binFileUtils.readBigInt(fd, n8q);
    if (!Scalar.eq(zkey.q, BN254_Q)) throw new TypeError(`${fd.fileName}: curve not supported (zkinfer uses BN254): q = ${Scalar.toString(zkey.q)}`);
    const n8r = await fd.readULE32();
    zkey.n8r = n8r;
    zkey.r = await binFileUtils.readBigInt(fd, n8r);
    zkey.curve = await buildBn128();
    zkey.nVars = await fd.readULE32();
    zkey.nPublic = await fd.readULE32();
    zkey.domainSize = await fd.readULE32();
    zkey.vk_alpha_1 = await readG1(fd, zkey.curve);
    zkey.vk_beta_1 = await readG1(fd, zkey.curve);
    zkey.vk_beta_2 = await readG2(fd, zkey.curve);
    zkey.vk_gamma_2 = await readG2(fd, zkey.curve);
    zkey.vk_delta_1 = await readG1(fd, zkey.curve);
    zkey.vk_delta_2 = await readG2(fd, zkey.curve);
    await binFileUtils.endReadSection(fd);
    return zkey;
}

async function writeHeader(fd, zkey) {
    const curve = zkey.curve;
    await binFileUtils.startWriteSection(fd, 1);
    await fd.writeULE32(1); // Groth
    await binFileUtils.endWriteSection(fd);

    await binFileUtils.startWriteSection(fd, 2);
    const primeQ = curve.q;
    const n8q = (Math.floor( (Scalar.bitLength(primeQ) - 1) / 64) +1)*8;
    const primeR = curve.r;
    const n8r = (Math.floor( (Scalar.bitLength(primeR) - 1) / 64) +1)*8;
    await fd.writeULE32(n8q);
    await binFileUtils.writeBigInt(fd, primeQ, n8q);
    await fd.writeULE32(n8r);
    await binFileUtils.writeBigInt(fd, primeR, n8r);
    await fd.writeULE32(zkey.nVars);
    await fd.writeULE32(zkey.nPublic);
    await fd.writeULE32(zkey.domainSize);
    await writeG1(fd, curve, zkey.vk_alpha_1);
    await writeG1(fd, curve, zkey.vk_beta_1);
    await writeG2(fd, curve, zkey.vk_beta_2);
    await writeG2(fd, curve, zkey.vk_gamma_2);
    await writeG1(fd, curve, zkey.vk_delta_1);
    await writeG2(fd, curve, zkey.vk_delta_2);
    await binFileUtils.endWriteSection(fd);
}

async function writeG1(fd, curve, p) {
    const buff = new Uint8Array(curve.G1.F.n8*2);
    curve.G1.toRprLEM(buff, 0, p);
    await fd.write(buff);
}

async function writeG2(fd, curve, p) {
    const buff = new Uint8Array(curve.G2.F.n8*2);
    curve.G2.toRprLEM(buff, 0, p);
    await fd.write(buff);
}

async function readG1(fd, curve) {
    const buff = await fd.read(curve.G1.F.n8*2);
    return curve.G1.fromRprLEM(buff, 0);
}

async function readG2(fd, curve) {
    const buff = await fd.read(curve.G2.F.n8*2);
    return curve.G2.fromRprLEM(buff, 0);
}

async function readContribution(fd, curve) {
    const c = {delta:{}};
    c.deltaAfter = await readG1(fd, curve);
    c.delta.g1_s = await readG1(fd, curve);
    c.delta.g1_sx = await readG1(fd, curve);
    c.delta.g2_spx = await readG2(fd, curve);
    c.transcript = await fd.read(64);
    c.type = await fd.readULE32();

    const paramLength = await fd.readULE32();
    const curPos = fd.pos;
    let lastType =0;
    while (fd.pos-curPos < paramLength) {
        const buffType = await fd.read(1);
        if (buffType[0]<= lastType) throw new Error("Parameters in the contribution must be sorted");
        lastType = buffType[0];
        if (buffType[0]==1) {     // Name
            const buffLen = await fd.read(1);
            const buffStr = await fd.read(buffLen[0]);
            c.name = new TextDecoder().decode(buffStr);
        } else if (buffType[0]==2) {
            const buffExp = await fd.read(1);
            c.numIterationsExp = buffExp[0];
        } else if (buffType[0]==3) {
            const buffLen = await fd.read(1);
            c.beaconHash = await fd.read(buffLen[0]);
        } else {
            throw new Error("Parameter not recognized");
        }
    }
    if (fd.pos != curPos + paramLength) {
        throw new Error("Parameters do not match");
    }
    return c;
}

async function readMPCParams(fd, curve, sections) {
    await binFileUtils.startReadUniqueSection(fd, sections, 10);
    const res = { contributions: []};
    res.csHash = await fd.read(64);
    const n = await fd.readULE32();
    for (let i=0; i<n; i++) {
        res.contributions.push(await readContribution(fd, curve));
    }
    await binFileUtils.endReadSection(fd);
    return res;
}

async function writeContribution(fd, curve, c) {
    await writeG1(fd, curve, c.deltaAfter);
    await writeG1(fd, curve, c.delta.g1_s);
    await writeG1(fd, curve, c.delta.g1_sx);
    await writeG2(fd, curve, c.delta.g2_spx);
    await fd.write(c.transcript);
    await fd.writeULE32(c.type || 0);

    const params = [];
    if (c.name) {
        params.push(1);      // Param Name
        const nameData = new TextEncoder("utf-8").encode(c.name.substring(0,64));
        params.push(nameData.byteLength);
        for (let i=0; i<nameData.byteLength; i++) params.push(nameData[i]);
    }
    if (c.type == 1) {
        params.push(2);      // Param numIterationsExp
        params.push(c.numIterationsExp);

        params.push(3);      // Beacon Hash
        params.push(c.beaconHash.byteLength);
        for (let i=0; i<c.beaconHash.byteLength; i++) params.push(c.beaconHash[i]);
    }
    if (params.length>0) {
        const paramsBuff = new Uint8Array(params);
        await fd.writeULE32(paramsBuff.byteLength);
        await fd.write(paramsBuff);
    } else {
        await fd.writeULE32(0);
    }
}

async function writeMPCParams(fd, curve, mpcParams) {
    await binFileUtils.startWriteSection(fd, 10);
    await fd.write(mpcParams.csHash);
    await fd.writeULE32(mpcParams.contributions.length);
    for (let i=0; i<mpcParams.contributions.length; i++) {
        await writeContribution(fd, curve,mpcParams.contributions[i]);
    }
    await binFileUtils.endWriteSection(fd);
}

function hashG1(hasher, curve, p) {
    const buff = new Uint8Array(curve.G1.F.n8*2);
    curve.G1.toRprUncompressed(buff, 0, p);
    hasher.update(buff);
}

function hashG2(hasher,curve, p) {
    const buff = new Uint8Array(curve.G2.F.n8*2);
    curve.G2.toRprUncompressed(buff, 0, p);
    hasher.update(buff);
}

function hashPubKey(hasher, curve, c) {
    hashG1(hasher, curve, c.deltaAfter);
    hashG1(hasher, curve, c.delta.g1_s);
    hashG1(hasher, curve, c.delta.g1_sx);
    hashG2(hasher, curve, c.delta.g2_spx);
    hasher.update(c.transcript);
}
