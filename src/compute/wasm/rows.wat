(module
  ;; Row gathers and segment sums over float32 matrices in the memory of tfjs's wasm backend (imported),
  ;; for the networks' pair and triplet sums (src/models/nn-common/rowKernels.ts). All pointers are byte
  ;; offsets; rows are d float32 wide; idx holds m int32 indices. Each output element of a segment sum is
  ;; summed in row order from 0 with float32 adds, as the JavaScript loop and the selector matmul do, so
  ;; the results are the same bit for bit.
  (import "env" "memory" (memory 1))

  ;; out[r] = x[idx[r]] for r < m (a zero row where idx[r] < 0).
  (func (export "gatherRows")
    (param $x i32) (param $o i32) (param $idx i32) (param $m i32) (param $d i32)
    (local $r i32) (local $j i32) (local $src i32) (local $dst i32) (local $bytes i32) (local $b16 i32)
    (local $k i32)
    (local.set $bytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $b16 (i32.and (local.get $bytes) (i32.const -16)))
    (local.set $dst (local.get $o))
    (local.set $r (i32.const 0))
    (block $rend
      (loop $rloop
        (br_if $rend (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $j (i32.load (i32.add (local.get $idx) (i32.shl (local.get $r) (i32.const 2)))))
        (if (i32.lt_s (local.get $j) (i32.const 0))
          (then
            (local.set $k (i32.const 0))
            (block $zend
              (loop $zloop
                (br_if $zend (i32.ge_u (local.get $k) (local.get $bytes)))
                (f32.store (i32.add (local.get $dst) (local.get $k)) (f32.const 0))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $zloop))))
          (else
            (local.set $src (i32.add (local.get $x) (i32.mul (local.get $j) (local.get $bytes))))
            (local.set $k (i32.const 0))
            (block $vend
              (loop $vloop
                (br_if $vend (i32.ge_u (local.get $k) (local.get $b16)))
                (v128.store (i32.add (local.get $dst) (local.get $k))
                  (v128.load (i32.add (local.get $src) (local.get $k))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $vloop)))
            (block $send
              (loop $sloop
                (br_if $send (i32.ge_u (local.get $k) (local.get $bytes)))
                (f32.store (i32.add (local.get $dst) (local.get $k))
                  (f32.load (i32.add (local.get $src) (local.get $k))))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $sloop)))))
        (local.set $dst (i32.add (local.get $dst) (local.get $bytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop))))

  ;; out = 0 (rows × d), then out[idx[r]] += x[r] for r < m in order (rows with idx[r] < 0 left out).
  (func (export "segmentSumRows")
    (param $x i32) (param $o i32) (param $idx i32) (param $m i32) (param $d i32) (param $rows i32)
    (local $r i32) (local $s i32) (local $src i32) (local $dst i32) (local $bytes i32) (local $b16 i32)
    (local $k i32) (local $total i32)
    (local.set $bytes (i32.shl (local.get $d) (i32.const 2)))
    (local.set $b16 (i32.and (local.get $bytes) (i32.const -16)))
    ;; zero the output
    (local.set $total (i32.mul (local.get $rows) (local.get $bytes)))
    (local.set $k (i32.const 0))
    (block $zvend
      (loop $zvloop
        (br_if $zvend (i32.gt_u (i32.add (local.get $k) (i32.const 16)) (local.get $total)))
        (v128.store (i32.add (local.get $o) (local.get $k)) (v128.const i32x4 0 0 0 0))
        (local.set $k (i32.add (local.get $k) (i32.const 16)))
        (br $zvloop)))
    (block $zsend
      (loop $zsloop
        (br_if $zsend (i32.ge_u (local.get $k) (local.get $total)))
        (f32.store (i32.add (local.get $o) (local.get $k)) (f32.const 0))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $zsloop)))
    ;; add each input row into its segment
    (local.set $src (local.get $x))
    (local.set $r (i32.const 0))
    (block $rend
      (loop $rloop
        (br_if $rend (i32.ge_u (local.get $r) (local.get $m)))
        (local.set $s (i32.load (i32.add (local.get $idx) (i32.shl (local.get $r) (i32.const 2)))))
        (if (i32.ge_s (local.get $s) (i32.const 0))
          (then
            (local.set $dst (i32.add (local.get $o) (i32.mul (local.get $s) (local.get $bytes))))
            (local.set $k (i32.const 0))
            (block $vend
              (loop $vloop
                (br_if $vend (i32.ge_u (local.get $k) (local.get $b16)))
                (v128.store (i32.add (local.get $dst) (local.get $k))
                  (f32x4.add (v128.load (i32.add (local.get $dst) (local.get $k)))
                    (v128.load (i32.add (local.get $src) (local.get $k)))))
                (local.set $k (i32.add (local.get $k) (i32.const 16)))
                (br $vloop)))
            (block $send
              (loop $sloop
                (br_if $send (i32.ge_u (local.get $k) (local.get $bytes)))
                (f32.store (i32.add (local.get $dst) (local.get $k))
                  (f32.add (f32.load (i32.add (local.get $dst) (local.get $k)))
                    (f32.load (i32.add (local.get $src) (local.get $k)))))
                (local.set $k (i32.add (local.get $k) (i32.const 4)))
                (br $sloop)))))
        (local.set $src (i32.add (local.get $src) (local.get $bytes)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rloop))))
)
