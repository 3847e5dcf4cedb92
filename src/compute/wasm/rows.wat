(module
  ;; Row gathers, segment sums, 2-D transposes and column sums over float32 matrices in the memory
  ;; of tfjs's wasm backend (imported), for the networks' pair and triplet sums and their gradients
  ;; (src/models/nn-common/rowKernels.ts). All pointers are byte offsets; rows are d float32 wide; idx
  ;; holds m int32 indices. Each output element of a sum is summed in row order from 0 with float32
  ;; adds, as the JavaScript loops, the selector matmuls and tfjs's Sum do, so the results are the
  ;; same bit for bit.
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

  ;; out (cols × rows) = xᵀ for x (rows × cols): out[j, i] = x[i, j]. Four rows of x at a time: for
  ;; each column j their four elements go to out[j, i..i+3] as one 16-byte store (the rows left over
  ;; one element at a time).
  (func (export "transpose2d")
    (param $x i32) (param $o i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $j i32) (local $rows4 i32) (local $rowBytes i32) (local $stride i32)
    (local $p0 i32) (local $p1 i32) (local $p2 i32) (local $p3 i32) (local $dst i32)
    (local.set $rowBytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $stride (i32.shl (local.get $rows) (i32.const 2)))
    (local.set $rows4 (i32.and (local.get $rows) (i32.const -4)))
    (local.set $i (i32.const 0))
    (block $iend
      (loop $iloop
        (br_if $iend (i32.ge_u (local.get $i) (local.get $rows4)))
        (local.set $p0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $p1 (i32.add (local.get $p0) (local.get $rowBytes)))
        (local.set $p2 (i32.add (local.get $p1) (local.get $rowBytes)))
        (local.set $p3 (i32.add (local.get $p2) (local.get $rowBytes)))
        (local.set $dst (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $jend
          (loop $jloop
            (br_if $jend (i32.ge_u (local.get $j) (local.get $cols)))
            (v128.store (local.get $dst)
              (f32x4.replace_lane 3
                (f32x4.replace_lane 2
                  (f32x4.replace_lane 1 (f32x4.splat (f32.load (local.get $p0))) (f32.load (local.get $p1)))
                  (f32.load (local.get $p2)))
                (f32.load (local.get $p3))))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
            (local.set $p1 (i32.add (local.get $p1) (i32.const 4)))
            (local.set $p2 (i32.add (local.get $p2) (i32.const 4)))
            (local.set $p3 (i32.add (local.get $p3) (i32.const 4)))
            (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jloop)))
        (local.set $i (i32.add (local.get $i) (i32.const 4)))
        (br $iloop)))
    (block $rend
      (loop $rloop
        (br_if $rend (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $p0 (i32.add (local.get $x) (i32.mul (local.get $i) (local.get $rowBytes))))
        (local.set $dst (i32.add (local.get $o) (i32.shl (local.get $i) (i32.const 2))))
        (local.set $j (i32.const 0))
        (block $jend2
          (loop $jloop2
            (br_if $jend2 (i32.ge_u (local.get $j) (local.get $cols)))
            (f32.store (local.get $dst) (f32.load (local.get $p0)))
            (local.set $p0 (i32.add (local.get $p0) (i32.const 4)))
            (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
            (local.set $j (i32.add (local.get $j) (i32.const 1)))
            (br $jloop2)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $rloop))))

  ;; out (cols) = Σ_i x[i] for x (rows × cols): each column summed from 0 in row order with float32
  ;; adds, as tfjs's own Sum kernel does after moving the summed axis last.
  (func (export "sumRows")
    (param $x i32) (param $o i32) (param $rows i32) (param $cols i32)
    (local $i i32) (local $k i32) (local $bytes i32) (local $b16 i32) (local $src i32)
    (local.set $bytes (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $b16 (i32.and (local.get $bytes) (i32.const -16)))
    (local.set $k (i32.const 0))
    (block $zend
      (loop $zloop
        (br_if $zend (i32.ge_u (local.get $k) (local.get $bytes)))
        (f32.store (i32.add (local.get $o) (local.get $k)) (f32.const 0))
        (local.set $k (i32.add (local.get $k) (i32.const 4)))
        (br $zloop)))
    (local.set $src (local.get $x))
    (local.set $i (i32.const 0))
    (block $iend
      (loop $iloop
        (br_if $iend (i32.ge_u (local.get $i) (local.get $rows)))
        (local.set $k (i32.const 0))
        (block $vend
          (loop $vloop
            (br_if $vend (i32.ge_u (local.get $k) (local.get $b16)))
            (v128.store (i32.add (local.get $o) (local.get $k))
              (f32x4.add (v128.load (i32.add (local.get $o) (local.get $k)))
                (v128.load (i32.add (local.get $src) (local.get $k)))))
            (local.set $k (i32.add (local.get $k) (i32.const 16)))
            (br $vloop)))
        (block $send
          (loop $sloop
            (br_if $send (i32.ge_u (local.get $k) (local.get $bytes)))
            (f32.store (i32.add (local.get $o) (local.get $k))
              (f32.add (f32.load (i32.add (local.get $o) (local.get $k)))
                (f32.load (i32.add (local.get $src) (local.get $k)))))
            (local.set $k (i32.add (local.get $k) (i32.const 4)))
            (br $sloop)))
        (local.set $src (i32.add (local.get $src) (local.get $bytes)))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iloop))))
)
